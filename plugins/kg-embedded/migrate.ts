import type Database from 'better-sqlite3';
import { KG_SHARED_GRAPH, kgGraphKey } from '../../src/plugin-api/index.js';
import { REINDEX_SQL, SCHEMA_SQL } from './schema.js';

const hasGraphColumn = (db: Database.Database): boolean =>
  (db.prepare("SELECT count(*) AS n FROM pragma_table_info('entities') WHERE name = 'graph'").get() as { n: number }).n > 0;
const hasEntities = (db: Database.Database): boolean =>
  (db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'entities'").get() as { n: number }).n > 0;

/**
 * Brings a file written before graphs existed (entities without a graph
 * column, names unique over the whole file) to the current schema: every
 * existing entity joins the shared graph (KG_SHARED_GRAPH), keeping its id,
 * so observations and relations stay attached, and the search index is
 * rebuilt. Runs in one transaction (another process that migrates first
 * makes this a no-op); foreign keys are off meanwhile, as SQLite's
 * table-rebuild procedure needs, and checked before the commit.
 */
export function migrateToGraphs(db: Database.Database): void {
  if (!hasEntities(db) || hasGraphColumn(db)) return;
  db.pragma('foreign_keys = OFF');
  try {
    db.transaction(() => {
      if (hasGraphColumn(db)) return;
      db.exec(`
        CREATE TABLE entities_v2 (id INTEGER PRIMARY KEY, graph TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL, UNIQUE (graph, name));
        INSERT INTO entities_v2(id, graph, name, type) SELECT id, '${KG_SHARED_GRAPH}', name, type FROM entities;
        DROP TABLE entities;
        ALTER TABLE entities_v2 RENAME TO entities;
        DROP TABLE IF EXISTS entity_fts;`);
      db.exec(SCHEMA_SQL);
      const reindex = db.prepare(REINDEX_SQL);
      const key = kgGraphKey(KG_SHARED_GRAPH);
      for (const { id } of db.prepare('SELECT id FROM entities').all() as Array<{ id: number }>) reindex.run({ id, gkey: key });
      const broken = db.prepare('PRAGMA foreign_key_check').all();
      if (broken.length) throw new Error(`knowledge store migration left ${broken.length} dangling references; the file is unchanged`);
    }).immediate();
  } finally {
    db.pragma('foreign_keys = ON');
  }
}
