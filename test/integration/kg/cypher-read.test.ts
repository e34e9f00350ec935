/**
 * kg_cypher_read on a real Neo4j: every write or escape attempt is refused
 * with LLMOS_EPERM and the graph is unchanged afterwards; each of the three
 * layers refuses writes on its own; timeouts and the result cap hold.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import neo4j from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import kgCore from '../../../plugins/kg-core/index.js';
import kgNeo4j from '../../../plugins/kg-neo4j/index.js';
import { assertReadOnlyType } from '../../../plugins/kg-neo4j/cypher-guard.js';
import type { Neo4jKnowledgeStore } from '../../../plugins/kg-neo4j/neo4j-store.js';
import { boot } from '../../../src/boot.js';
import type { Kernel } from '../../../src/kernel/kernel.js';
import { KG_STORE_TOKEN } from '../../../src/core/knowledge.js';
import { neo4jUri, wipe } from './neo4j-helpers.js';

const ctx = () => ({ owner: 'test', signal: new AbortController().signal, progress: () => {} });

/** Every node, relationship, label and property, as one comparable string. */
async function fingerprint(uri: string): Promise<string> {
  const d = neo4j.driver(uri);
  try {
    const { records } = await d.executeQuery(
      `MATCH (n) OPTIONAL MATCH (n)-[r]->(m)
       WITH n, r, m ORDER BY n.name, type(r), m.name
       RETURN collect([labels(n), properties(n), type(r), properties(r), m.name]) AS all`,
    );
    return JSON.stringify(records[0].get('all'));
  } finally {
    await d.close();
  }
}

const ATTEMPTS: Array<[label: string, query: string]> = [
  ['CREATE', "CREATE (n:Entity {name: 'Mallory', type: 'person', observations: []}) RETURN n"],
  ['MERGE', "MERGE (n:Entity {name: 'Mallory'}) RETURN n"],
  ['SET', "MATCH (n:Entity {name: 'Alice'}) SET n.type = 'robot' RETURN n"],
  ['SET label', 'MATCH (n:Entity) SET n:Pwned RETURN count(n)'],
  ['DELETE', "MATCH (n:Entity {name: 'Bob'}) DETACH DELETE n"],
  ['DELETE relationship', 'MATCH ()-[r]->() DELETE r'],
  ['REMOVE', 'MATCH (n:Entity) REMOVE n.observations RETURN count(n)'],
  ['CALL {} IN TRANSACTIONS', "MATCH (n:Entity) CALL (n) { SET n.x = 1 } IN TRANSACTIONS OF 1 ROWS RETURN count(*)"],
  ['CALL {} IN TRANSACTIONS (read body)', 'MATCH (n:Entity) CALL (n) { RETURN n.name AS x } IN TRANSACTIONS RETURN x'],
  ['LOAD CSV', "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line LIMIT 1"],
  ['LOAD CSV hidden by whitespace', "load\n  csv   from 'https://example.com/x.csv' as l return l"],
  ['apoc.load.json', "CALL apoc.load.json('file:///etc/passwd') YIELD value RETURN value"],
  ['apoc.load.json with backticks', "CALL `apoc`.`load`.json('https://example.com') YIELD value RETURN value"],
  ['dbms procedure', 'CALL dbms.listConfig() YIELD name RETURN name'],
  ['dbms security', "CALL dbms.security.createUser('eve', 'pw', false)"],
  ['write after a line comment', "MATCH (n:Entity) RETURN n.name // harmless?\nCREATE (:Entity {name: 'Mallory'})"],
  ['write after a block comment', "MATCH (n:Entity) /* just reading */ CREATE (:Entity {name: 'Mallory'}) RETURN n"],
  ['two statements', "MATCH (n:Entity) RETURN n.name; CREATE (:Entity {name: 'Mallory'})"],
  ['two statements, both reads', 'MATCH (n:Entity) RETURN n.name; MATCH (m) RETURN m'],
  ['schema change', 'CREATE INDEX pwned IF NOT EXISTS FOR (n:Entity) ON (n.type)'],
  ['drop constraint', 'DROP CONSTRAINT kg_entity_name'],
  ['foreach write', "MATCH (n:Entity) FOREACH (x IN [1] | SET n.x = x)"],
  ['subquery write', "CALL () { CREATE (:Entity {name: 'Mallory'}) } RETURN 1"],
  ['admin command', 'SHOW USERS'],
  ['create database', 'CREATE DATABASE pwned'],
];

describe('kg_cypher_read on a real Neo4j', () => {
  let kernel: Kernel;
  let stop: () => Promise<void>;
  let store: Neo4jKnowledgeStore;
  let before: string;
  const dir = mkdtempSync(join(tmpdir(), 'llmos-kg-cypher-'));
  const uri = neo4jUri();
  const call = (name: string, input: unknown) => kernel.syscalls.dispatch(name, input, ctx()) as Promise<any>;

  beforeAll(async () => {
    await wipe(uri);
    process.env.NEO4J_URI = uri;
    ({ kernel, stop } = await boot({ inline: [kgCore, kgNeo4j], dataDir: dir }));
    delete process.env.NEO4J_URI;
    store = kernel.container.resolve<Neo4jKnowledgeStore>(KG_STORE_TOKEN);
    await call('kg_create_entities', {
      entities: [
        { name: 'Alice', entityType: 'person', observations: ['likes tea'] },
        { name: 'Bob', entityType: 'person', observations: ['plays chess'] },
      ],
    });
    await call('kg_create_relations', { relations: [{ from: 'Alice', to: 'Bob', relationType: 'knows' }] });
    before = await fingerprint(uri);
  });
  afterAll(async () => {
    await stop?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('offers kg_schema and kg_cypher_read on Neo4j', async () => {
    const schema = await call('kg_schema', {});
    expect(schema.entity_types).toEqual([{ type: 'person', count: 2 }]);
    expect(schema.relation_types).toEqual([{ type: 'knows', count: 1 }]);
    expect(schema.native.labels).toEqual(expect.arrayContaining(['Entity', 'person']));
  });

  it('answers a read query, with params', async () => {
    const r = await call('kg_cypher_read', { query: 'MATCH (a:Entity)-[:knows]->(b) WHERE a.name = $n RETURN b.name AS friend, b AS node', params: { n: 'Alice' } });
    expect(r.columns).toEqual(['friend', 'node']);
    expect(r.rows).toEqual([{ friend: 'Bob', node: { labels: expect.arrayContaining(['Entity', 'person']), properties: { name: 'Bob', type: 'person', observations: ['plays chess'] } } }]);
    expect(r.truncated).toBe(false);
  });

  it.each(ATTEMPTS)('refuses %s, leaving the graph unchanged', async (_label, query) => {
    await expect(call('kg_cypher_read', { query })).rejects.toMatchObject({ code: expect.stringMatching(/^LLMOS_E(PERM|INVAL)$/) });
    expect(await fingerprint(uri)).toBe(before);
  });

  it('refuses writes with LLMOS_EPERM specifically (not a mere syntax error)', async () => {
    for (const q of ['CREATE (n:X)', "MERGE (n:Entity {name: 'M'})", 'MATCH (n) SET n.x = 1', 'MATCH (n) DETACH DELETE n', 'MATCH (n) REMOVE n.name'])
      await expect(call('kg_cypher_read', { query: q }), q).rejects.toMatchObject({ code: 'LLMOS_EPERM' });
    expect(await fingerprint(uri)).toBe(before);
  });

  it('layer 1 alone: EXPLAIN reports writes as not read-only', async () => {
    const d = neo4j.driver(uri);
    try {
      for (const q of ['CREATE (n:X)', "MATCH (n) SET n.x = 1", 'MATCH (n) DELETE n', 'CREATE INDEX i FOR (n:X) ON (n.y)']) {
        const { summary } = await d.executeQuery(`EXPLAIN ${q}`);
        expect(() => assertReadOnlyType(summary.queryType), q).toThrow(expect.objectContaining({ code: 'LLMOS_EPERM' }));
      }
    } finally {
      await d.close();
    }
  });

  it('layer 2 alone: a READ-mode session refuses a write that skipped the other layers', async () => {
    for (const q of ["CREATE (:Entity {name: 'Mallory'})", "MATCH (n:Entity {name: 'Alice'}) SET n.type = 'robot'", 'MATCH (n) DETACH DELETE n'])
      await expect(store.runInReadSession(q, { timeoutMs: 5_000, maxRows: 10, maxBytes: 10_000 }), q).rejects.toMatchObject({ code: 'LLMOS_EPERM' });
    expect(await fingerprint(uri)).toBe(before);
  });

  it('caps rows and bytes with a truncation note', async () => {
    const r = await call('kg_cypher_read', { query: 'UNWIND range(1, 5000) AS i RETURN i', max_rows: 7 });
    expect(r.rows).toHaveLength(7);
    expect(r.truncated).toBe(true);
    expect(r.note).toMatch(/LIMIT/);
    const big = await call('kg_cypher_read', { query: "UNWIND range(1, 1000) AS i RETURN i, $pad AS pad", params: { pad: 'p'.repeat(1000) }, max_rows: 1000 });
    expect(big.truncated).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(big.rows))).toBeLessThanOrEqual(64 * 1024);
  });

  it('cancels a query that runs past timeout_ms', async () => {
    const t0 = Date.now();
    await expect(call('kg_cypher_read', { query: 'UNWIND range(1, 100000000) AS i WITH i WHERE i % 7 = 99 RETURN count(i) AS n', timeout_ms: 300 })).rejects.toMatchObject({ code: 'LLMOS_ETIMEDOUT' });
    expect(Date.now() - t0).toBeLessThan(20_000);
  });
});
