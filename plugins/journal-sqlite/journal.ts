import { EndOfTurnWriter, procSnapshotParts, type Journal, type JournalContext, type JournalReplay, type KernelApi, type Logger, type ProcSnapshot, type ProcView } from '../../src/plugin-api/index.js';
import type { JournalDb } from './journal-db.js';
import { readRedo, type RedoLog, type RedoRow } from './redo-log.js';
import { withTaskOf } from './redo-merge.js';

/** When the image takes in the redo log: at this many rows, or this many ms after the first. */
export interface ImageEvery {
  rows: number;
  ms: number;
}

/**
 * The process table in SQLite, as the Journal contract asks:
 *  - every change (spawned, running, blocked, exited, usage roll-ups,
 *    proc_nice) is batched per event-loop turn and appended to the redo log
 *    in one write; durable() is that write's promise, which the kernel awaits
 *    before it answers a syscall and before it calls a model;
 *  - the SQLite file is the image: the redo log's rows go into it in one
 *    transaction every `imageEvery` (a process's spawn and exit as one row),
 *    then the log is emptied. The kernel waits for the journal twice per
 *    request, and an append costs a third of a commit or less
 *    (test/bench/journal-write.mjs);
 *  - a failed append is logged, rejects durable() (LLMOS_EUNAVAILABLE), keeps
 *    the changes and retries them; a failed image commit keeps the log;
 *  - exited rows beyond the newest `maxFinished` are deleted, as the
 *    process table reaps them;
 *  - at boot, a log left by a crash goes into the image before replay.
 */
export class SqliteJournal implements Journal {
  readonly name = 'journal-sqlite';
  private readonly dirty = new Map<number, ProcView>();
  /** Rows appended since the image last took in the log. */
  private logged = 0;
  /** The task whose JSON the log holds for each process since the image last took it in: a later row of the process leaves it out. */
  private readonly taskInLog = new Map<number, ProcView['task']>();
  /** Exit order numbers not yet written. */
  private readonly exitSeqOf = new Map<number, number>();
  private seq: number;
  private reapedUpTo = 0;
  private readonly writer: EndOfTurnWriter;
  private imageTimer?: NodeJS.Timeout;
  private imageSoon?: NodeJS.Immediate;
  private detach?: () => void;
  /** The highest pid heard of, noted before rows are reaped (the newest pid's row may be among them). */
  private maxPid = 0;

  /** `maxFinished`: exited rows kept; unset, the kernel's own retention, learned at replay. */
  constructor(
    private readonly db: JournalDb,
    private readonly redo: RedoLog,
    private maxFinished: number | undefined,
    private readonly imageEvery: ImageEvery,
    private readonly log: Logger,
  ) {
    this.takeInLog(); // a log left by a crash
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

  private mark(p: ProcView): void {
    this.dirty.set(p.pid, p);
    this.writer.schedule();
  }

  /** Appends every pending change to the redo log in one write; on failure the changes stay pending. */
  private writeBatch(): void {
    const rows: RedoRow[] = [];
    for (const p of this.dirty.values()) {
      const [head, task, tail] = procSnapshotParts(p);
      const logged = this.taskInLog.get(p.pid) === p.task;
      rows.push({ pid: p.pid, state: p.state, exitSeq: this.exitSeqOf.get(p.pid) ?? null, rec: logged ? head + tail : head + task + tail, taskLength: logged ? null : task.length });
    }
    this.redo.append(rows);
    for (const p of this.dirty.values()) this.taskInLog.set(p.pid, p.task); // only once appended: a failed append's rows are retried whole
    this.dirty.clear();
    for (const r of rows) {
      this.maxPid = Math.max(this.maxPid, r.pid);
      if (r.exitSeq !== null) this.exitSeqOf.delete(r.pid);
    }
    this.logged += rows.length;
    if (this.logged >= this.imageEvery.rows) this.imageSoon ??= setImmediate(() => this.imageNow());
    else if (!this.imageTimer) {
      this.imageTimer = setTimeout(() => this.imageNow(), this.imageEvery.ms);
      this.imageTimer.unref();
    }
  }

  /** Takes the log into the image; on failure the log stays for the next try. */
  private imageNow(): void {
    clearTimeout(this.imageTimer);
    clearImmediate(this.imageSoon);
    this.imageTimer = this.imageSoon = undefined;
    if (this.logged === 0) return;
    try {
      this.takeInLog(() => this.reap());
      this.logged = 0;
    } catch (err) {
      this.log.error({ err }, `the process journal's SQLite image could not be written; its changes stay in ${this.redo.path}, are retried in ${this.imageEvery.ms} ms and replayed at the next start`);
      this.imageTimer = setTimeout(() => this.imageNow(), this.imageEvery.ms);
      this.imageTimer.unref();
    }
  }

  /**
   * Writes the redo log's rows to the image in one transaction, each process
   * once (its last record, and its exit number once set), runs `andThen` in
   * it, then empties the log. The records are the log's own strings (a row
   * that leaves its task out takes it from the process's row before it):
   * none is serialized twice, and none waits in memory for the image.
   */
  private takeInLog(andThen?: () => void): void {
    const rows = new Map<number, RedoRow>();
    for (const r of readRedo(this.redo.path)) {
      const before = rows.get(r.pid);
      r.exitSeq ??= before?.exitSeq ?? null; // a process exits once: its later rows keep the number
      rows.set(r.pid, r.taskLength === null ? withTaskOf(r, before, this.redo.path) : r);
    }
    if (rows.size === 0) return;
    this.db.tx(() => {
      for (const r of rows.values()) this.db.put(r.pid, r.state, r.exitSeq, r.rec);
      andThen?.();
    });
    this.redo.clear();
    this.taskInLog.clear();
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

  /** Writes what is pending, takes it into the image, and stops listening. */
  close(): void {
    this.detach?.();
    this.writer.flush();
    this.imageNow();
    clearTimeout(this.imageTimer);
    this.imageTimer = undefined;
  }
}
