import { definePlugin, renamedOptions, z } from '../../src/plugin-api/index.js';
import { SqliteJournal } from './journal.js';
import { JournalDb } from './journal-db.js';
import { RedoLog, redoPath } from './redo-log.js';

const OptionsObject = z.object({
  file: z.string().min(1).default('journal.sqlite').describe('SQLite file under LLMOS_DATA_DIR.'),
  /** The process table's own retention unless set. */
  max_finished: z.number().int().positive().optional().describe('Exited processes kept; default the process table\'s (LLMOS_MAX_FINISHED, 1000).'),
  synchronous: z.enum(['NORMAL', 'FULL']).default('NORMAL').describe('NORMAL survives a crashed server; FULL also a power loss.'),
  image_rows: z.number().int().min(1).max(100_000).default(256).describe('The SQLite file takes in the redo log once it holds this many rows (a row for each process a turn changed)…'),
  image_ms: z.number().int().min(1).max(3_600_000).default(500).describe('…or this many ms after its first change, whichever comes first. A restart replays the log; larger values pause the server less often but longer.'),
});
/** The plugin's options; the older name maxFinished is accepted (deprecated). */
const Options = renamedOptions(OptionsObject, { maxFinished: 'max_finished' });

interface State {
  db: JournalDb;
  redo: RedoLog;
  journal: SqliteJournal;
}
/** This plugin's own state in the kernel container (no module-level singleton). */
const STATE = Symbol.for('llmos.journal-sqlite.state');

/**
 * Durability: the process table in SQLite (WAL) under the data dir, as the
 * kernel's Journal, with a redo log beside it (`<file>-redo`) that holds the
 * changes made since the SQLite file's last commit (see SqliteJournal). At boot the kernel brings journaled processes back under
 * their old pids: ready, blocked and running ones are queued again (running
 * ones with their attempt count raised: at-least-once), exited ones keep
 * their one result.
 */
export default definePlugin({
  name: 'journal-sqlite',
  version: '1.0.0',
  apiVersion: '^1.0.0',
  description: 'Persists the process table and run queue in SQLite (WAL) and replays it on restart.',
  provides: ['journal'],
  options: Options,
  register(scope, o) {
    const db = new JournalDb(scope.dataDir, o.file, o.synchronous);
    const redo = new RedoLog(redoPath(scope.dataDir, o.file), o.synchronous === 'FULL');
    const journal = new SqliteJournal(db, redo, o.max_finished, { rows: o.image_rows, ms: o.image_ms }, scope.log);
    journal.attach(scope.kernel);
    scope.journal(journal);
    scope.provide<State>(STATE, { db, redo, journal });
  },
  stop(scope) {
    const { db, redo, journal } = scope.resolve<State>(STATE);
    journal.close();
    redo.close();
    db.close();
  },
});
