import { procSnapshot, type Journal, type JournalContext, type JournalReplay, type KernelApi, type Logger, type ProcSnapshot, type ProcState, type ProcView } from '../../src/plugin-api/index.js';
import type { JournalDb } from './journal-db.js';

/**
 * The process table in SQLite, as the Journal contract asks:
 *  - a process accepted by spawn() (NEW → READY) is written synchronously,
 *    so it is durable before spawn() returns to the client;
 *  - the move to RUNNING is written synchronously too, before the model is
 *    called, so after a crash every process that may have reached the model
 *    is known (the kernel raises its attempt count on replay);
 *  - every other change (blocked, exited, usage roll-ups, proc_nice) is batched and
 *    written once per event-loop turn in one transaction. Losing that batch
 *    to a crash only means a finished call runs again: at-least-once;
 *  - exited rows beyond the newest `maxFinished` are deleted, as the
 *    process table reaps them.
 */
export class SqliteJournal implements Journal {
  readonly name = 'journal-sqlite';
  private readonly dirty = new Map<number, ProcView>();
  /** Exit order numbers not yet written. */
  private readonly exitSeqOf = new Map<number, number>();
  private seq: number;
  private reapedUpTo = 0;
  private flushTimer?: NodeJS.Immediate;
  private detach?: () => void;
  /** The highest pid heard of, noted before rows are reaped (the newest pid's row may be among them). */
  private maxPid = 0;

  /** `maxFinished`: exited rows kept; unset, the kernel's own retention, learned at replay. */
  constructor(
    private readonly db: JournalDb,
    private maxFinished: number | undefined,
    private readonly log: Logger,
  ) {
    this.seq = db.lastExitSeq();
  }

  /** Hears every process change from now on. */
  attach(kernel: KernelApi): void {
    const offs = [
      kernel.onProc('state', (p: ProcView, from: ProcState) => {
        if (from === 'new' || p.state === 'running') this.writeNow(p);
        else this.mark(p);
      }),
      kernel.onProc('exit', (p) => {
        this.exitSeqOf.set(p.pid, ++this.seq);
        this.mark(p);
        const parent = p.ppid ? kernel.proc(p.ppid) : undefined;
        if (parent) this.mark(parent); // its usage rolled up
      }),
      kernel.onProc('change', (p) => this.mark(p)),
    ];
    this.detach = () => offs.forEach((off) => off());
  }

  replay(ctx: JournalContext): JournalReplay {
    this.maxFinished ??= ctx.maxFinished;
    this.reapedUpTo = Math.max(0, this.seq - this.maxFinished);
    const lastPid = this.db.lastPid();
    this.maxPid = Math.max(this.maxPid, lastPid);
    return { records: this.db.records().map((rec) => JSON.parse(rec) as ProcSnapshot), lastPid };
  }

  private writeNow(p: ProcView): void {
    this.dirty.delete(p.pid);
    this.write(p);
  }

  private write(p: ProcView): void {
    const seq = this.exitSeqOf.get(p.pid) ?? null;
    this.maxPid = Math.max(this.maxPid, p.pid);
    this.db.put(p.pid, p.state, seq, JSON.stringify(procSnapshot(p)));
    if (seq !== null) this.exitSeqOf.delete(p.pid);
  }

  private mark(p: ProcView): void {
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
        this.reap();
      });
    } catch (err) {
      this.log.error({ err, pending: batch.length }, 'journal write failed; the changes stay in memory and are retried on the next change');
      for (const p of batch) if (!this.dirty.has(p.pid)) this.dirty.set(p.pid, p);
    }
  }

  /** Deletes exited rows beyond the newest maxFinished (none before the retention is known). */
  private reap(): void {
    if (this.maxFinished === undefined) return;
    const upTo = this.seq - this.maxFinished;
    if (upTo <= this.reapedUpTo) return;
    this.db.noteLastPid(this.maxPid);
    this.db.reap(upTo);
    this.reapedUpTo = upTo;
  }

  /** Writes what is pending and stops listening. */
  close(): void {
    this.detach?.();
    this.flush();
  }
}
