// TODO(issue 12): transitional reach into the kernel, replaced by the RunQueue/Journal extension points.
import type { Kernel } from '../../src/kernel/kernel.js';
import { definePlugin, renamedOptions, TOKENS, type PluginScope, z } from '../../src/plugin-api/index.js';
import { Journal } from './journal.js';
import { JournalDb } from './journal-db.js';

const OptionsObject = z.object({
  file: z.string().min(1).default('journal.sqlite').describe('SQLite file under LLMOS_DATA_DIR.'),
  /** The process table's own retention unless set. */
  max_finished: z.number().int().positive().optional().describe('Exited processes kept; default the process table\'s (LLMOS_MAX_FINISHED, 1000).'),
  synchronous: z.enum(['NORMAL', 'FULL']).default('NORMAL').describe('NORMAL survives a crashed server; FULL also a power loss.'),
});
/** The plugin's options; the older name maxFinished is accepted (deprecated). */
const Options = renamedOptions(OptionsObject, { maxFinished: 'max_finished' });

interface State {
  db: JournalDb;
  journal: Journal;
}
/** This plugin's own state in the kernel container (no module-level singleton). */
const STATE = Symbol.for('llmos.journal-sqlite.state');

/**
 * Durability: the process table and run queue in SQLite (WAL) under the data
 * dir. On start, journaled processes come back under their old pids; ready,
 * blocked and running ones are queued again (running ones with their attempt
 * count raised: at-least-once), exited ones keep their one result.
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
    const journal = new Journal(db, o.max_finished ?? kernelOf(scope).procs.maxFinished, scope.log);
    scope.provide<State>(STATE, { db, journal });
  },
  /** Replays before any transport serves; list this plugin before plugins whose start() spawns processes. */
  start(scope) {
    const { journal } = scope.resolve<State>(STATE);
    if (kernelOf(scope).procs.lastPid > 0) scope.log.warn({ last_pid: kernelOf(scope).procs.lastPid }, 'processes were spawned before the journal replayed; their pids may collide with journaled ones');
    journal.attach(kernelOf(scope));
    const counts = journal.replay(kernelOf(scope));
    scope.log.info(counts, 'journal replayed');
  },
  stop(scope) {
    const { db, journal } = scope.resolve<State>(STATE);
    journal.close();
    db.close();
  },
});

const kernelOf = (scope: PluginScope): Kernel => scope.resolve<Kernel>(TOKENS.Kernel);
