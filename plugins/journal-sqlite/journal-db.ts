import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The journal's SQLite file (WAL). One row per process that is live or
 * within the retention window: its state, its exit sequence number (the
 * order in which processes exited, for reaping) and its record as JSON.
 */
export class JournalDb {
  private readonly db: Database.Database;
  private readonly upsert: Database.Statement<[number, string, number | null, string]>;
  private readonly reapUpTo: Database.Statement<[number]>;
  private readonly all: Database.Statement<[], { rec: string }>;
  private readonly raiseLastPid: Database.Statement<[number]>;
  /** Runs fn in one transaction (nested calls join the outer one). */
  readonly tx: <T>(fn: () => T) => T;

  /** `synchronous`: NORMAL survives a crash of the server process (kill -9); FULL also survives power loss. */
  constructor(dataDir: string, file: string, synchronous: 'NORMAL' | 'FULL') {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(join(dataDir, file));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${synchronous}`);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS procs (
        pid INTEGER PRIMARY KEY,
        state TEXT NOT NULL,
        exit_seq INTEGER,
        rec TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS procs_exit_seq ON procs (exit_seq) WHERE exit_seq IS NOT NULL;
      CREATE TABLE IF NOT EXISTS meta (
        key TEXT PRIMARY KEY,
        value INTEGER NOT NULL);
    `);
    this.raiseLastPid = this.db.prepare(
      `INSERT INTO meta (key, value) VALUES ('last_pid', ?) ON CONFLICT (key) DO UPDATE SET value = MAX(meta.value, excluded.value)`,
    );
    this.upsert = this.db.prepare(
      `INSERT INTO procs (pid, state, exit_seq, rec) VALUES (?, ?, ?, ?)
       ON CONFLICT (pid) DO UPDATE SET state = excluded.state, exit_seq = COALESCE(procs.exit_seq, excluded.exit_seq), rec = excluded.rec`,
    );
    this.reapUpTo = this.db.prepare('DELETE FROM procs WHERE exit_seq IS NOT NULL AND exit_seq <= ?');
    this.all = this.db.prepare('SELECT rec FROM procs ORDER BY pid');
    const txn = (fn: () => unknown) => this.db.transaction(fn)();
    this.tx = txn as <T>(fn: () => T) => T;
  }

  /** Writes a process row; exitSeq is kept once set (a process exits once). */
  put(pid: number, state: string, exitSeq: number | null, rec: string): void {
    this.upsert.run(pid, state, exitSeq, rec);
  }

  /** Deletes every exited row with exit_seq ≤ seq (reaped by the retention policy). */
  reap(seq: number): number {
    return this.reapUpTo.run(seq).changes;
  }

  /** Records that pids up to `pid` were handed out (kept even when their rows are reaped). */
  noteLastPid(pid: number): void {
    this.raiseLastPid.run(pid);
  }

  /** The highest pid ever handed out: noted, or still in a row (0 when none). */
  lastPid(): number {
    const row = this.db.prepare(`SELECT MAX(COALESCE((SELECT value FROM meta WHERE key = 'last_pid'), 0), COALESCE((SELECT MAX(pid) FROM procs), 0)) AS p`).get() as { p: number };
    return row.p;
  }

  /** The highest exit sequence number written so far (0 when none). */
  lastExitSeq(): number {
    const row = this.db.prepare('SELECT MAX(exit_seq) AS s FROM procs').get() as { s: number | null };
    return row.s ?? 0;
  }

  /** Every stored record in pid order. */
  records(): string[] {
    return this.all.all().map((r) => r.rec);
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM procs').get() as { n: number }).n;
  }

  close(): void {
    this.db.close();
  }
}
