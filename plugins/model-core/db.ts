import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type Db = Database.Database;

/**
 * model-core's store, one SQLite file under the data dir: perf samples (the
 * performance table is computed from them), eval run reports, and the
 * configs of models deployed with model_register (restored at start).
 */
export function openDb(dataDir: string, file = 'model-core.sqlite'): Db {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, file));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS perf_samples (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      model TEXT NOT NULL, version TEXT NOT NULL, task_type TEXT NOT NULL,
      quality REAL, latency_ms REAL, completion_tokens INTEGER, cost_usd REAL,
      source TEXT NOT NULL, at INTEGER NOT NULL);
    CREATE INDEX IF NOT EXISTS perf_samples_pair ON perf_samples (model, task_type, id);
    CREATE TABLE IF NOT EXISTS eval_runs (
      id TEXT PRIMARY KEY, model TEXT NOT NULL, version TEXT NOT NULL,
      started INTEGER NOT NULL, report TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS eval_runs_model ON eval_runs (model, started);
    CREATE TABLE IF NOT EXISTS registrations (
      id TEXT PRIMARY KEY, config TEXT NOT NULL, updated INTEGER NOT NULL);
  `);
  return db;
}
