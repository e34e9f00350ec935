/**
 * Proves the real test components work. Needs `bash test/setup/install.sh` and the
 * globalSetup modules test/setup/global-{neo4j,redis,llama}.ts in the vitest config.
 * The stop/restart cycle uses its own Neo4j so the shared one is never disturbed.
 */
import neo4j from 'neo4j-driver';
import OpenAI from 'openai';
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { boltAnswers, redisPing, startNeo4j, type Neo4jHandle } from '../setup/components.js';

function provided<K extends 'neo4jUri' | 'redisUrl' | 'llamaBaseURL' | 'modelPath'>(key: K): string {
  const value = inject(key);
  if (!value) {
    throw new Error(`inject('${key}') is empty: add test/setup/global-*.ts to the vitest globalSetup`);
  }
  return value;
}

describe('components started by globalSetup', () => {
  it('Neo4j answers RETURN 1 over Bolt', async () => {
    const driver = neo4j.driver(provided('neo4jUri'));
    try {
      const { records } = await driver.executeQuery('RETURN 1 AS one');
      expect(records[0].get('one').toNumber()).toBe(1);
    } finally {
      await driver.close();
    }
  });

  it('Redis answers PING', async () => {
    const port = Number(new URL(provided('redisUrl')).port);
    expect(await redisPing(port)).toBe(true);
  });

  it('the GGUF model is cached', () => {
    expect(existsSync(provided('modelPath'))).toBe(true);
  });

  it('llama server completes a chat with the openai client', async () => {
    const client = new OpenAI({ baseURL: provided('llamaBaseURL'), apiKey: 'unused' });
    const models = await client.models.list();
    const res = await client.chat.completions.create({
      model: models.data[0].id,
      messages: [{ role: 'user', content: 'Say hello.' }],
      temperature: 0,
      max_tokens: 8,
    });
    expect(res.choices[0].message.content?.trim()).toBeTruthy();
    expect(res.usage?.completion_tokens).toBeGreaterThan(0);
  }, 60_000);
});

describe('Neo4j stop/restart', () => {
  let neo: Neo4jHandle | undefined;
  afterAll(async () => neo?.stop(), 30_000);

  it('goes down on stop() and comes back with its data on restart()', async () => {
    neo = await startNeo4j();
    const write = neo4j.driver(neo.uri);
    await write.executeQuery('CREATE (:Probe {id: 42})');
    await write.close();

    await neo.stop();
    expect(await boltAnswers(neo.uri)).toBe(false);

    await neo.restart();
    const read = neo4j.driver(neo.uri);
    try {
      const { records } = await read.executeQuery('MATCH (p:Probe) RETURN p.id AS id');
      expect(records.map((r) => r.get('id').toNumber())).toEqual([42]);
    } finally {
      await read.close();
    }
  }, 180_000);
});
