/**
 * A kg.sqlite written before graphs existed (no graph column, names unique
 * over the whole file) keeps working: its entities join the shared graph
 * with their observations and relations, search finds them, and owners'
 * graphs start empty beside it.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { SqliteKnowledgeStore } from '../../../plugins/kg-embedded/sqlite-store.js';
import { KG_SHARED_GRAPH } from '../../../src/core/knowledge.js';
import { tempDir } from '../../helpers/kernel.js';

/** The old schema (fixtures/kg-old-schema.sql) and a small graph in it. */
const OLD_SCHEMA = `${readFileSync(fileURLToPath(new URL('./fixtures/kg-old-schema.sql', import.meta.url)), 'utf8')}
INSERT INTO entities(id, name, type) VALUES (1, 'Alice', 'person'), (2, 'Acme', 'company');
INSERT INTO observations(entity_id, text) VALUES (1, 'likes tea'), (1, 'works remotely'), (2, 'makes anvils');
INSERT INTO relations(from_id, to_id, type) VALUES (1, 2, 'works_at');
INSERT INTO entity_fts(rowid, name, type, observations) VALUES (1, 'Alice', 'person', 'likes tea' || char(10) || 'works remotely'), (2, 'Acme', 'company', 'makes anvils');
`;

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

it('moves an old file\'s entities into the shared graph, keeping observations, relations and search', async () => {
  dir = tempDir('llmos-kg-migrate-');
  const file = join(dir, 'kg.sqlite');
  const old = new Database(file);
  old.exec(OLD_SCHEMA);
  old.close();

  const store = new SqliteKnowledgeStore(file);
  const g = await store.openNodes(KG_SHARED_GRAPH, ['Alice', 'Acme']);
  expect(g.entities).toEqual([
    { name: 'Alice', type: 'person', observations: ['likes tea', 'works remotely'] },
    { name: 'Acme', type: 'company', observations: ['makes anvils'] },
  ]);
  expect(g.relations).toEqual([{ from: 'Alice', to: 'Acme', type: 'works_at' }]);
  expect((await store.search(KG_SHARED_GRAPH, 'anvils', 5)).entities.map((e) => e.name)).toEqual(['Acme']);
  expect((await store.stats('user:alice')).entities).toBe(0);
  // Names are now per graph, and deletes cascade as before.
  expect(await store.createEntities('user:alice', [{ name: 'Alice', type: 'person', observations: [] }])).toHaveLength(1);
  expect(await store.deleteEntities(KG_SHARED_GRAPH, ['Acme'])).toBe(1);
  expect(await store.stats(KG_SHARED_GRAPH)).toMatchObject({ entities: 1, relations: 0, observations: 2 });
  await store.close();
  // Opening again is a no-op.
  const again = new SqliteKnowledgeStore(file);
  expect((await again.stats(KG_SHARED_GRAPH)).entities).toBe(1);
  await again.close();
});
