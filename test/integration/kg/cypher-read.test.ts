/**
 * kg_cypher_read on a real Neo4j (hardened like the README says): every
 * attack class (lexer disagreements, LOAD CSV, admin commands, procedures,
 * hidden writes, resource bombs) ends in a coded error, leaks nothing (no
 * file content in the error, no HTTP request made) and leaves the graph
 * unchanged; the EXPLAIN and READ-session layers each refuse writes alone;
 * timeouts and the result cap hold.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import neo4j from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import kgCore from '../../../plugins/kg-core/index.js';
import kgNeo4j from '../../../plugins/kg-neo4j/index.js';
import { MAX_CYPHER_QUERY_CHARS, assertReadOnlyType } from '../../../plugins/kg-neo4j/cypher-guard.js';
import type { Neo4jKnowledgeStore } from '../../../plugins/kg-neo4j/neo4j-store.js';
import { boot } from '../../../src/boot.js';
import type { Kernel } from '../../../src/kernel/kernel.js';
import { KG_STORE_TOKEN } from '../../../src/core/knowledge.js';
import { neo4jUri, wipe } from './neo4j-helpers.js';

/** kg_cypher_read is for admins only (it sees every graph); stdio is the default admin. */
const ctx = (owner = 'stdio') => ({ owner, signal: new AbortController().signal, progress: () => {} });

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

/** Where the attacks point: a file only the server can read, and a local HTTP listener that must stay unasked. */
interface Targets { file: string; http: string }
type Attack = [label: string, query: (t: Targets) => string, code: 'LLMOS_EPERM' | 'LLMOS_EINVAL' | RegExp];
const PERM_OR_INVAL = /^LLMOS_E(PERM|INVAL)$/;
const csv = (t: Targets) => `LOAD CSV FROM '${t.file}' AS line`;

const ATTACKS: Attack[] = [
  // writes, plain and hidden in subqueries
  ['CREATE', () => "CREATE (n:Entity {name: 'Mallory', type: 'person', observations: []}) RETURN n", 'LLMOS_EPERM'],
  ['MERGE', () => "MERGE (n:Entity {name: 'Mallory'}) RETURN n", 'LLMOS_EPERM'],
  ['SET', () => "MATCH (n:Entity {name: 'Alice'}) SET n.type = 'robot' RETURN n", 'LLMOS_EPERM'],
  ['SET label', () => 'MATCH (n:Entity) SET n:Pwned RETURN count(n)', 'LLMOS_EPERM'],
  ['DELETE', () => "MATCH (n:Entity {name: 'Bob'}) DETACH DELETE n", 'LLMOS_EPERM'],
  ['DELETE relationship', () => 'MATCH ()-[r]->() DELETE r', 'LLMOS_EPERM'],
  ['REMOVE', () => 'MATCH (n:Entity) REMOVE n.observations RETURN count(n)', 'LLMOS_EPERM'],
  ['FOREACH write', () => 'MATCH (n:Entity) FOREACH (x IN [1] | SET n.x = x)', 'LLMOS_EPERM'],
  ['write in a CALL subquery', () => "CALL () { CREATE (:Entity {name: 'Mallory'}) } RETURN 1", 'LLMOS_EPERM'],
  ['write after UNION', () => "MATCH (n:Entity) RETURN n.name AS x UNION CREATE (m:Entity {name: 'Mallory'}) RETURN m.name AS x", PERM_OR_INVAL],
  ['write in COLLECT { }', () => "RETURN COLLECT { CREATE (m:Entity {name: 'Mallory'}) RETURN m } AS x", PERM_OR_INVAL],
  ['CALL { } IN TRANSACTIONS (write body)', () => 'MATCH (n:Entity) CALL (n) { SET n.x = 1 } IN TRANSACTIONS OF 1 ROWS RETURN count(*)', 'LLMOS_EPERM'],
  ['CALL { } IN TRANSACTIONS (read body)', () => 'MATCH (n:Entity) CALL (n) { RETURN n.name AS x } IN TRANSACTIONS RETURN x', 'LLMOS_EPERM'],
  ['write after a line comment', () => "MATCH (n:Entity) RETURN n.name // harmless?\nCREATE (:Entity {name: 'Mallory'})", PERM_OR_INVAL],
  ['write after a block comment', () => "MATCH (n:Entity) /* just reading */ CREATE (:Entity {name: 'Mallory'}) RETURN n", 'LLMOS_EPERM'],
  ['two statements', () => "MATCH (n:Entity) RETURN n.name; CREATE (:Entity {name: 'Mallory'})", 'LLMOS_EINVAL'],
  ['schema change', () => 'CREATE INDEX pwned IF NOT EXISTS FOR (n:Entity) ON (n.type)', 'LLMOS_EPERM'],
  ['drop constraint', () => 'DROP CONSTRAINT kg_entity_name', 'LLMOS_EPERM'],
  // LOAD CSV, directly and behind lexer disagreements
  ['LOAD CSV from a file URL', (t) => `${csv(t)} RETURN line`, 'LLMOS_EPERM'],
  ['LOAD CSV from a local HTTP port', (t) => `LOAD CSV WITH HEADERS FROM '${t.http}' AS row RETURN row`, 'LLMOS_EPERM'],
  ['LOAD CSV, odd case and whitespace', (t) => `lOaD\n\t CsV  FROM '${t.file}' AS line RETURN line`, 'LLMOS_EPERM'],
  ['LOAD CSV after a backticked name ending in a backslash', (t) => `MATCH (\`a\\\`) ${csv(t)} RETURN line`, 'LLMOS_EPERM'],
  ['LOAD CSV after a backticked name holding a quote', (t) => `WITH 1 AS \`it's\` ${csv(t)} RETURN line`, 'LLMOS_EPERM'],
  ['LOAD CSV after an escaped quote', (t) => `WITH 'x\\'' AS s ${csv(t)} RETURN s, line`, 'LLMOS_EPERM'],
  // Cypher decodes \u0027 before it lexes: for Neo4j the string below is '' and LOAD CSV is outside it.
  ['LOAD CSV after a unicode-escaped quote', (t) => `WITH '\\u0027 AS q ${csv(t)} RETURN q, line`, 'LLMOS_EPERM'],
  ['LOAD CSV between comment markers in strings', (t) => `WITH '/*' AS a ${csv(t)} RETURN a, line, '*/' AS b`, 'LLMOS_EPERM'],
  ['LOAD CSV between comment markers in names', (t) => `MATCH (\`/*\`) ${csv(t)} RETURN line // \`*/\``, 'LLMOS_EPERM'],
  ['LOAD CSV after a "nested" comment', (t) => `/* /* */ ${csv(t)} RETURN line`, 'LLMOS_EPERM'],
  ['LOAD CSV from a parameter', () => 'LOAD CSV FROM $u AS line RETURN line', 'LLMOS_EPERM'],
  ['LOAD CSV in EXISTS { }', (t) => `RETURN EXISTS { ${csv(t)} RETURN line } AS x`, 'LLMOS_EPERM'],
  ['LOAD CSV in a subquery inside a list comprehension', (t) => `UNWIND [1, 2] AS i RETURN [x IN [i] WHERE EXISTS { ${csv(t)} RETURN line }] AS y`, 'LLMOS_EPERM'],
  // admin commands
  ['SHOW TRANSACTIONS', () => 'SHOW TRANSACTIONS', 'LLMOS_EPERM'],
  ['SHOW TRANSACTIONS YIELD', () => 'SHOW TRANSACTIONS YIELD currentQuery, parameters RETURN currentQuery, parameters', 'LLMOS_EPERM'],
  ['SHOW SETTINGS', () => 'SHOW SETTINGS YIELD name, value RETURN name, value', 'LLMOS_EPERM'],
  ['TERMINATE TRANSACTIONS', () => "TERMINATE TRANSACTIONS 'neo4j-transaction-1'", 'LLMOS_EPERM'],
  ['SHOW USERS', () => 'SHOW USERS', 'LLMOS_EPERM'],
  ['SHOW DATABASES', () => 'SHOW DATABASES', PERM_OR_INVAL],
  ['CREATE DATABASE', () => 'CREATE DATABASE pwned', PERM_OR_INVAL],
  ['CREATE USER', () => "CREATE USER eve SET PASSWORD 'secretsecret'", PERM_OR_INVAL],
  ['USE system', () => 'USE system SHOW USERS', PERM_OR_INVAL],
  // procedures
  ['dbms.components', () => 'CALL dbms.components() YIELD name RETURN name', 'LLMOS_EPERM'],
  ['dbms.listConfig', () => 'CALL dbms.listConfig() YIELD name RETURN name', PERM_OR_INVAL],
  ['dbms.security.createUser', () => "CALL dbms.security.createUser('eve', 'pw', false)", PERM_OR_INVAL],
  ['db.info (read, not allowlisted)', () => 'CALL db.info() YIELD name RETURN name', 'LLMOS_EPERM'],
  ['db.createLabel', () => "CALL db.createLabel('Pwned')", 'LLMOS_EPERM'],
  ['db.clearQueryCaches', () => 'CALL db.clearQueryCaches()', 'LLMOS_EPERM'],
  ['tx.setMetaData', () => 'CALL tx.setMetaData({a: 1})', 'LLMOS_EPERM'],
  ['a procedure in COUNT { } inside CASE', () => 'MATCH (n) RETURN CASE WHEN n.x IS NULL THEN COUNT { CALL db.info() YIELD name RETURN name } ELSE 0 END AS c', 'LLMOS_EPERM'],
  ['apoc.load.json (not installed)', (t) => `CALL apoc.load.json('${t.file}') YIELD value RETURN value`, 'LLMOS_EINVAL'],
];

describe('kg_cypher_read on a real Neo4j', () => {
  let kernel: Kernel;
  let stop: () => Promise<void>;
  let store: Neo4jKnowledgeStore;
  let before: string;
  let statsBefore: unknown;
  const dir = mkdtempSync(join(tmpdir(), 'llmos-kg-cypher-'));
  const SECRET = 'llmos-secret-7f3a9c';
  const secretFile = join(dir, 'secret.csv');
  /** Requests the local listener received; every attack must leave it at 0. */
  let httpRequests = 0;
  let listener: Server;
  let targets: Targets;
  const uri = neo4jUri();
  const call = (name: string, input: unknown) => kernel.syscalls.dispatch(name, input, ctx()) as Promise<any>;

  beforeAll(async () => {
    writeFileSync(secretFile, `name\n${SECRET}\n`);
    listener = createServer((_req, res) => {
      httpRequests++;
      res.end(`name\n${SECRET}\n`);
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    targets = { file: `file://${secretFile}`, http: `http://127.0.0.1:${(listener.address() as AddressInfo).port}/x.csv` };
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
    statsBefore = await call('kg_stats', {});
  });
  afterAll(async () => {
    await new Promise((resolve) => listener?.close(resolve));
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
    expect(r.rows).toEqual([{ friend: 'Bob', node: { labels: expect.arrayContaining(['Entity', 'person']), properties: expect.objectContaining({ graph: 'stdio', name: 'Bob', type: 'person', observations: ['plays chess'] }) } }]);
    expect(r.truncated).toBe(false);
  });

  it('refuses kg_cypher_read to an owner who is not an admin, before looking at the query', async () => {
    const asBob = (input: unknown) => kernel.syscalls.dispatch('kg_cypher_read', input, ctx('user:bob'));
    await expect(asBob({ query: 'MATCH (n:Entity) RETURN n.observations AS o' })).rejects.toMatchObject({ code: 'LLMOS_EPERM', message: expect.stringContaining('LLMOS_ADMINS') });
    await expect(asBob({ query: 42 })).rejects.toMatchObject({ code: 'LLMOS_EPERM' });
  });

  /** The graph, kg_stats and the listener are as before, and Neo4j still answers. */
  async function expectNothingChanged(): Promise<void> {
    expect(await fingerprint(uri)).toBe(before);
    expect(await call('kg_stats', {})).toEqual(statsBefore);
    expect(httpRequests).toBe(0);
  }

  it.each(ATTACKS)('refuses %s with a coded error, leaking nothing and changing nothing', async (_label, query, code) => {
    const err = await call('kg_cypher_read', { query: query(targets), params: { u: targets.file } }).then(
      (r) => expect.fail(`the attack answered ${JSON.stringify(r).slice(0, 200)}`),
      (e: unknown) => e as { code: string; message: string; details?: unknown },
    );
    expect(err.code).toMatch(typeof code === 'string' ? new RegExp(`^${code}$`) : code);
    expect(err.message).toMatch(/\. [A-Z]|; [a-z]/); // says what to do next
    expect(`${err.message} ${JSON.stringify(err.details ?? null)}`).not.toContain(SECRET);
    await expectNothingChanged();
  });

  it('the test Neo4j is hardened as the README documents', async () => {
    const d = neo4j.driver(uri);
    try {
      const { records } = await d.executeQuery("SHOW SETTINGS YIELD name, value WHERE name IN ['dbms.security.allow_csv_import_from_file_urls', 'dbms.security.procedures.allowlist', 'db.memory.transaction.max'] RETURN name, value");
      const settings = Object.fromEntries(records.map((r) => [r.get('name'), r.get('value')]));
      expect(settings['dbms.security.allow_csv_import_from_file_urls']).toBe('false');
      expect(settings['dbms.security.procedures.allowlist']).not.toContain('*');
      expect(settings['db.memory.transaction.max']).toMatch(/^\d+(\.\d+)?[KMG]i?B$/);
    } finally {
      await d.close();
    }
  });

  it.each([
    ['a 200-million-element list', 'RETURN size([x IN range(1, 200000000) | x]) AS n'],
    ['collecting 200 million rows', 'UNWIND range(1, 200000000) AS i RETURN size(collect(i)) AS n'],
    // Neo4j 5.26 does not count values built inside one expression against db.memory.transaction.max:
    // this one ends in a Java heap OutOfMemoryError (caught per query) or, when the heap has room, in one small row.
    ['a 268-million-character string', "RETURN size(reduce(s = 'x', i IN range(1, 28) | s + s)) AS n"],
  ])('bounds %s (LLMOS_ETOOBIG, LLMOS_ETIMEDOUT or one small row) and Neo4j keeps serving', async (_label, query) => {
    const outcome = await call('kg_cypher_read', { query, timeout_ms: 20_000 }).then(
      (r: { rows: unknown[] }) => r.rows,
      (e: { code: string }) => e.code,
    );
    if (typeof outcome === 'string') expect(outcome).toMatch(/^LLMOS_E(TOOBIG|TIMEDOUT)$/);
    else expect(outcome).toEqual([{ n: 268435456 }]);
    expect((await call('kg_cypher_read', { query: 'RETURN 1 AS ok' })).rows).toEqual([{ ok: 1 }]);
    await expectNothingChanged();
  });

  it('refuses a query text over the length cap before Neo4j sees it', async () => {
    await expect(store.cypherRead(`RETURN 1 AS ok ${' '.repeat(MAX_CYPHER_QUERY_CHARS)}`, { timeoutMs: 5_000, maxRows: 10, maxBytes: 10_000 })).rejects.toMatchObject({ code: 'LLMOS_ETOOBIG' });
  });

  it('still answers the schema procedures and subqueries it allows', async () => {
    const labels = await call('kg_cypher_read', { query: 'CALL db.labels() YIELD label RETURN label ORDER BY label' });
    expect(labels.rows.map((r: { label: string }) => r.label)).toEqual(expect.arrayContaining(['Entity', 'person']));
    const sub = await call('kg_cypher_read', { query: "MATCH (a:Entity) WHERE EXISTS { MATCH (a)-[:knows]->(b) WHERE b.name = 'Bob' } RETURN a.name AS n, COUNT { (a)-->() } AS out, COLLECT { MATCH (a)-->(b) RETURN b.name } AS to" });
    expect(sub.rows).toEqual([{ n: 'Alice', out: 1, to: ['Bob'] }]);
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
