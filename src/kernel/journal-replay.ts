import { LlmosError } from '../core/errors.js';
import { RESTART_ERROR, type Journal } from '../core/journal.js';
import type { Kernel } from './kernel.js';
import type { Process } from './proc.js';
import { processFromSnapshot } from './snapshot.js';

/** How many journaled processes came back, by what happened to them. */
export interface ReplayCounts {
  exited: number;
  requeued: number;
  interrupted: number;
  groups_failed: number;
}

/**
 * Brings back every process the journal holds (see Journal for the rules):
 * exited ones as they were, live groups failed, interrupted calls closed
 * with RESTART_ERROR, live tasks queued again. Pids go on after the last
 * one the journal ever saw handed out.
 */
function replayJournal(k: Kernel, journal: Journal): ReplayCounts {
  const counts: ReplayCounts = { exited: 0, requeued: 0, interrupted: 0, groups_failed: 0 };
  const { records, lastPid } = journal.replay({ maxFinished: k.procs.maxFinished });
  const now = Date.now();
  for (const rec of records) {
    const p = processFromSnapshot(rec);
    if (p.state === 'exited') {
      counts.exited++;
      k.adopt(p);
    } else if (p.kind === 'group') {
      counts.groups_failed++;
      k.adopt(p);
      k.procs.exit(p, 'failed', { error: new LlmosError('LLMOS_EINTERNAL', 'server restarted while this group ran; spawn its work again.') });
    } else {
      if (p.state === 'running') {
        closeInterrupted(p, now);
        counts.interrupted++;
      }
      counts.requeued++;
      k.resume(p);
    }
  }
  k.procs.skipPidsThrough(lastPid); // pids of records already dropped are not handed out again
  return counts;
}

/** Ends the attempt that was in flight when the server died (at-least-once: the call runs again). */
function closeInterrupted(p: Process, now: number): void {
  const last = p.attempts.at(-1);
  if (last && last.finished === undefined) Object.assign(last, { finished: now, error: { ...RESTART_ERROR } });
  else p.attempts.push({ model: p.model ?? 'unknown', version: 'unknown', started: now, finished: now, error: { ...RESTART_ERROR } });
}

/**
 * Brings back what the kernel's journal holds (see Journal), once at boot,
 * after every plugin registered and before any starts. Undefined without a journal.
 */
export function restoreFromJournal(k: Kernel): ReplayCounts | undefined {
  const journal = k.journal();
  if (!journal) return undefined;
  if (k.procs.lastPid > 0) k.log.warn({ last_pid: k.procs.lastPid }, 'processes were spawned before the journal replayed; their pids may collide with journaled ones');
  const counts = replayJournal(k, journal);
  k.log.info({ ...counts, journal: journal.name }, 'journal replayed');
  return counts;
}
