import { EndOfTurnWriter, procSnapshotJson, type Journal, type JournalContext, type JournalReplay, type KernelApi, type Logger, type ProcSnapshot, type ProcView } from '../../src/plugin-api/index.js';
import type { JournalDb } from './journal-db.js';

/**
 * The process table in SQLite, as the Journal contract asks:
 *  - every change (spawned, running, blocked, exited, usage roll-ups,
 *    proc_nice) is batched and written once per event-loop turn, in one
 *    transaction: one commit for all the requests read in that turn;
 *  - durable() is the batch's promise, which the kernel awaits before it
 *    answers a syscall and before it calls a model; a failed write is
 *    logged, rejects it (LLMOS_EUNAVAILABLE), keeps the changes and retries them;
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
  private readonly writer: EndOfTurnWriter;
  private detach?: () => void;
  /** The highest pid heard of, noted before rows are reaped (the newest pid's row may be among them). */
  private maxPid = 0;

  /** `maxFinished`: exited rows kept; unset, the kernel's own retention, learned at replay. */
  constructor(
    private readonly db: JournalDb,
    private maxFinished: number | undefined,
    log: Logger,
  ) {
    this.seq = db.lastExitSeq();
    this.writer = new EndOfTurnWriter({ what: 'the process journal', write: () => this.writeBatch(), pending: () => this.dirty.size > 0, log });
  }

  /** Hears every process change from now on. */
  attach(kernel: KernelApi): void {
    const offs = [
      kernel.onProc('state', (p) => this.mark(p)),
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

  /** See Journal.durable: this turn's batch, written at the turn's end. */
  durable(): Promise<void> | undefined {
    return this.writer.durable();
  }

  private write(p: ProcView): void {
    const seq = this.exitSeqOf.get(p.pid) ?? null;
    this.maxPid = Math.max(this.maxPid, p.pid);
    this.db.put(p.pid, p.state, seq, procSnapshotJson(p));
    if (seq !== null) this.exitSeqOf.delete(p.pid);
  }

  private mark(p: ProcView): void {
    this.dirty.set(p.pid, p);
    this.writer.schedule();
  }

  /** Writes every pending change in one transaction and applies retention; on failure the changes stay pending. */
  private writeBatch(): void {
    const batch = [...this.dirty.values()];
    this.dirty.clear();
    try {
      this.db.tx(() => {
        for (const p of batch) this.write(p);
        this.reap();
      });
    } catch (err) {
      for (const p of batch) if (!this.dirty.has(p.pid)) this.dirty.set(p.pid, p);
      throw err;
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
    this.writer.flush();
  }
}
