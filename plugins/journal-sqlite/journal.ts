import type { Logger, ProcState } from '../../src/plugin-api/index.js';
// TODO(issue 12): transitional reach into the kernel, replaced by the Journal extension point.
import type { Kernel } from '../../src/kernel/kernel.js';
import type { Process } from '../../src/kernel/proc.js';
import { decodeProc, encodeProc } from './codec.js';
import type { JournalDb } from './journal-db.js';

/** The error recorded on an attempt that was in flight when the server died. */
export const RESTART_ERROR = { code: 'LLMOS_EINTERNAL', message: 'server restarted during the call; the process was queued again (at-least-once).' } as const;

/**
 * Keeps the process table in the journal. Contract:
 *  - a process accepted by kernel.spawn() (NEW → READY) is written
 *    synchronously, so it is durable before spawn() returns to the client;
 *  - the move to RUNNING is written synchronously too, before the model is
 *    called, so after a crash every process that may have reached the model
 *    is known (its attempt count is raised on replay);
 *  - every other change (blocked, exited, usage roll-ups, proc_nice) is batched and
 *    written once per event-loop turn in one transaction. Losing that batch
 *    to a crash only means a finished call runs again: at-least-once;
 *  - exited rows beyond the newest `maxFinished` are deleted, as the
 *    process table reaps them.
 */
export class Journal {
  private readonly dirty = new Map<number, Process>();
  /** Exit order numbers not yet written. */
  private readonly exitSeqOf = new Map<number, number>();
  private seq: number;
  private reapedUpTo: number;
  private flushTimer?: NodeJS.Immediate;
  private detach?: () => void;
  /** The kernel's highest pid so far, noted before rows are reaped. */
  private lastPid: () => number = () => 0;

  constructor(
    private readonly db: JournalDb,
    private readonly maxFinished: number,
    private readonly log: Logger,
  ) {
    this.seq = db.lastExitSeq();
    this.reapedUpTo = Math.max(0, this.seq - maxFinished);
  }

  /** Subscribes to the kernel's process events. */
  attach(kernel: Kernel): void {
    this.lastPid = () => kernel.procs.lastPid;
    const onState = (p: Process, from: ProcState) => {
      if (from === 'new' || p.state === 'running') this.writeNow(p);
      else this.mark(p);
    };
    const onExit = (p: Process) => {
      this.exitSeqOf.set(p.pid, ++this.seq);
      this.mark(p);
      const parent = p.ppid ? kernel.procs.get(p.ppid) : undefined;
      if (parent) this.mark(parent); // its usage rolled up
    };
    const onChange = (p: Process) => this.mark(p);
    kernel.procs.on('state', onState);
    kernel.procs.on('exit', onExit);
    kernel.procs.on('change', onChange);
    this.detach = () => {
      kernel.procs.off('state', onState);
      kernel.procs.off('exit', onExit);
      kernel.procs.off('change', onChange);
    };
  }

  /**
   * Hands every journaled process back to the kernel: exited ones are
   * adopted as they were; a group process that was live is failed (its
   * driver died with the server); tasks that were running get their
   * in-flight attempt closed with RESTART_ERROR and are queued again, like
   * ready and blocked ones. New pids continue after the highest ever handed
   * out, reaped or not. Returns counts by journaled state.
   */
  replay(kernel: Kernel): Record<string, number> {
    const counts: Record<string, number> = { exited: 0, requeued: 0, interrupted: 0, groups_failed: 0 };
    const now = Date.now();
    this.db.tx(() => {
      for (const rec of this.db.records()) {
        const p = decodeProc(rec);
        if (p.state === 'exited') counts.exited++;
        else if (p.kind === 'group') {
          p.state = 'exited';
          p.exit = 'failed';
          p.finished = now;
          p.error = { code: 'LLMOS_EINTERNAL', message: 'server restarted while this group ran; spawn its work again.' };
          this.exitSeqOf.set(p.pid, ++this.seq);
          this.mark(p);
          counts.groups_failed++;
        } else {
          if (p.state === 'running') {
            const last = p.attempts.at(-1);
            if (last && last.finished === undefined) Object.assign(last, { finished: now, error: { ...RESTART_ERROR } });
            else p.attempts.push({ model: p.model ?? 'unknown', version: 'unknown', started: now, finished: now, error: { ...RESTART_ERROR } });
            counts.interrupted++;
          }
          counts.requeued++;
        }
        kernel.resume(p); // ready again (a synchronous write, inside this transaction) or adopted
      }
      kernel.procs.skipPidsThrough(this.db.lastPid()); // pids of reaped rows are not handed out again
      this.flush();
    });
    return counts;
  }

  private writeNow(p: Process): void {
    this.dirty.delete(p.pid);
    this.write(p);
  }

  private write(p: Process): void {
    const seq = this.exitSeqOf.get(p.pid) ?? null;
    this.db.put(p.pid, p.state, seq, encodeProc(p));
    if (seq !== null) this.exitSeqOf.delete(p.pid);
  }

  private mark(p: Process): void {
    this.dirty.set(p.pid, p);
    this.flushTimer ??= setImmediate(() => this.flush());
  }

  /** Writes every pending change in one transaction, then applies retention. */
  flush(): void {
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.dirty.size) return;
    const batch = [...this.dirty.values()];
    this.dirty.clear();
    try {
      this.db.tx(() => {
        for (const p of batch) this.write(p);
        const upTo = this.seq - this.maxFinished;
        if (upTo > this.reapedUpTo) {
          this.db.noteLastPid(this.lastPid()); // the newest pid's row may be among those reaped
          this.db.reap(upTo);
          this.reapedUpTo = upTo;
        }
      });
    } catch (err) {
      this.log.error({ err, pending: batch.length }, 'journal write failed; the changes stay in memory and are retried on the next change');
      for (const p of batch) if (!this.dirty.has(p.pid)) this.dirty.set(p.pid, p);
    }
  }

  /** Writes what is pending and stops listening. */
  close(): void {
    this.detach?.();
    this.flush();
  }
}
