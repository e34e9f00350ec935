/**
 * A Neo4j that goes away mid-run: kg_* calls fail with LLMOS_EKGUNAVAILABLE,
 * the rest of LLMOS keeps answering, and after Neo4j restarts the plugin
 * works again by itself. Uses its own Neo4j so the shared one is not disturbed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import kgCore from '../../../plugins/kg-core/index.js';
import kgNeo4j from '../../../plugins/kg-neo4j/index.js';
import { boot } from '../../../src/boot.js';
import type { Kernel } from '../../../src/kernel/kernel.js';
import { startNeo4j, type Neo4jHandle } from '../../setup/components.js';

/** stdio, the default admin: kg_cypher_read is for admins only. */
const ctx = () => ({ owner: 'stdio', signal: new AbortController().signal, progress: () => {} });

describe('kg-neo4j when Neo4j stops and restarts', () => {
  let neo: Neo4jHandle | undefined;
  let kernel: Kernel;
  let stop: (() => Promise<void>) | undefined;
  let dir: string;
  const call = (name: string, input: unknown) => kernel.syscalls.dispatch(name, input, ctx()) as Promise<any>;

  beforeAll(async () => {
    neo = await startNeo4j();
    dir = mkdtempSync(join(tmpdir(), 'llmos-kg-outage-'));
    process.env.NEO4J_URI = neo.uri;
    try {
      ({ kernel, stop } = await boot({ inline: [kgCore, kgNeo4j], dataDir: dir }));
    } finally {
      delete process.env.NEO4J_URI;
    }
  }, 180_000);
  afterAll(async () => {
    await stop?.();
    await neo?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('answers LLMOS_EKGUNAVAILABLE while Neo4j is down and recovers after it restarts', async () => {
    await call('kg_create_entities', { entities: [{ name: 'Alice', entityType: 'person', observations: ['before the outage'] }] });
    await neo!.stop();

    for (const [name, input] of [
      ['kg_stats', {}],
      ['kg_search', { query: 'alice' }],
      ['kg_create_entities', { entities: [{ name: 'Bob', entityType: 'person' }] }],
      ['kg_cypher_read', { query: 'MATCH (n) RETURN count(n) AS n' }],
    ] as const)
      await expect(call(name, input), name).rejects.toMatchObject({ code: 'LLMOS_EKGUNAVAILABLE', message: expect.stringContaining('reconnects by itself') });
    // The server itself is still up.
    expect(await call('sys_info', {})).toMatchObject({ name: 'llmos' });

    await neo!.restart();
    // No reconnect call, no new kernel: the very next calls work.
    expect(await call('kg_stats', {})).toMatchObject({ store: 'neo4j', entities: 1 });
    await call('kg_create_entities', { entities: [{ name: 'Bob', entityType: 'person' }] });
    expect((await call('kg_search', { query: 'outage' })).entities.map((e: { name: string }) => e.name)).toEqual(['Alice']);
    expect((await call('kg_cypher_read', { query: 'MATCH (n:Entity) RETURN count(n) AS n' })).rows).toEqual([{ n: 2 }]);
  }, 300_000); // a Neo4j stop and a JVM restart
});
