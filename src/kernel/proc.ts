import { EventEmitter } from 'node:events';
import type { DependencyContainer } from 'tsyringe';
import { Errors, LlmosError, toLlmosError } from '../core/errors.js';
import { params } from './params.js';
import { exitStatusOf, type Attempt, type ExitStatus, type ProcAllocation, type ProcError, type ProcResult, type ProcState, type ProcView, type Usage } from '../core/process.js';
import type { Task } from '../core/task.js';

/** The kernel's process: the one mutable form of a ProcView; only the kernel holds it. */
export class Process implements ProcView {
  state: ProcState = 'new';
  exit?: ExitStatus;
  /** 'task' runs on a model; 'group' only parents children (collaboration) and never runs itself. */
  kind: 'task' | 'group' = 'task';
  created = Date.now();
  started?: number;
  finished?: number;
  /** Time it became ready (last enqueue), for schedulers that age or measure waits. */
  readyAt = this.created;
  model?: string;
  readonly attempts: Attempt[] = [];
  readonly usage: Usage = { prompt_tokens: 0, completion_tokens: 0, cost_usd: 0 };
  /** Completion tokens streamed so far by the current attempt. */
  streamed = 0;
  result?: ProcResult;
  error?: ProcError;
  readonly children: number[] = [];
  /** Behind `signal`, built when something first reads it: most processes are never stopped or watched for it. */
  private controller?: AbortController;
  /** Why the process was stopped (see stop); undefined while it was not. */
  private stopReason?: unknown;
  private isStopped = false;
  /** Called once by stop; plain functions, cheaper than listeners on an AbortSignal. */
  private stopListeners?: Array<(reason: unknown) => void>;
  /** Aborted by preemption and by stop; ends only the current model call (after preemption the process is queued again). */
  callController?: AbortController;
  /** The quality it was rated, in [0, 1] (proc_feedback or an eval); a process is rated once. */
  rating?: number;
  /** Why the allocator chose the model; read by alloc_explain. */
  allocation?: ProcAllocation;
  /**
   * This process's child container (its budget handle, logger and signal; see
   * proc-scope.ts) while it lives. Built by the kernel on first use, at
   * admission, so spawn never pays for it; dropped at exit. It holds plain
   * instances only, so there is nothing to dispose.
   */
  container?: DependencyContainer;

  constructor(
    readonly pid: number,
    readonly ppid: number,
    readonly owner: string,
    public task: Task,
  ) {}

  get priority(): number {
    return this.task.priority;
  }
  /** Aborted when the process is stopped (proc_kill, deadlines), with the stop's reason. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.isStopped) this.controller.abort(this.stopReason);
    }
    return this.controller.signal;
  }

  /** Whether the process was stopped; reading it builds no signal. */
  get stopped(): boolean {
    return this.isStopped;
  }

  /** The reason the process was stopped with (see stop). */
  get stopCause(): unknown {
    return this.stopReason;
  }

  /** Calls fn with the reason when the process is stopped (never if it already was). Returns the undo. */
  onStop(fn: (reason: unknown) => void): () => void {
    (this.stopListeners ??= []).push(fn);
    return () => {
      const i = this.stopListeners?.indexOf(fn) ?? -1;
      if (i >= 0) this.stopListeners!.splice(i, 1);
    };
  }

  /** Stops the process (the first reason stays): aborts its signal and its current model call, and tells onStop's listeners. */
  stop(reason: unknown): void {
    if (this.isStopped) return;
    this.isStopped = true;
    this.stopReason = reason;
    this.controller?.abort(reason);
    this.callController?.abort(reason);
    const listeners = this.stopListeners;
    this.stopListeners = undefined;
    for (const fn of listeners ?? []) fn(reason);
  }
}

export interface ProcEvents {
  state: [proc: Process, from: ProcState];
  exit: [proc: Process];
  /** The record changed outside a state transition (e.g. its priority). */
  change: [proc: Process];
  /** A piece of streamed model output. */
  token: [proc: Process, text: string];
}

/** What a watcher of one pid hears. */
export type ProcWatchEvent = { type: 'state'; proc: Process } | { type: 'token'; proc: Process; text: string };

/**
 * The process table. Pids are monotonic and never reused while the server runs.
 * Live processes are kept until they exit; exited ones until params.maxFinished
 * newer exits push them out (reaping), so memory stays bounded.
 */
export class ProcessTable extends EventEmitter<ProcEvents> {
  private nextPid = 1;
  /** Largest pid inserted so far; an insert below it means the map is out of pid order. */
  private maxPid = 0;
  private inPidOrder = true;
  /**
   * Where new pids come from. Unset: a local counter. The kernel sets the
   * PidSource a plugin provides (e.g. queue-redis: cluster-unique pids); see
   * core/ready-queue.ts for its contract.
   */
  pidSource?: () => number;
  private readonly procs = new Map<number, Process>();
  /** Exited pids in exit order, oldest first, for reaping. */
  private readonly finished: number[] = [];
  private finishedHead = 0;
  private readonly waiters = new Map<number, Array<() => void>>();
  private readonly watchers = new Map<number, Set<(e: ProcWatchEvent) => void>>();
  /** Watchers per pid that want streamed tokens. */
  private readonly tokenWatchers = new Map<number, number>();

  /** Exited processes kept before the oldest is reaped. */
  constructor(readonly maxFinished = params.maxFinished) {
    super();
    this.setMaxListeners(0);
    this.on('state', (proc) => this.notify(proc.pid, { type: 'state', proc }));
    this.on('token', (proc, text) => this.notify(proc.pid, { type: 'token', proc, text }));
  }

  /**
   * Follows one process (and, through ppid, its children): O(1) per event
   * however many are watched. `tokens: false` says the watcher does not need
   * streamed text, so the model call may skip streaming. Returns unwatch.
   */
  watch(pid: number, fn: (e: ProcWatchEvent) => void, opts: { tokens?: boolean } = {}): () => void {
    const set = this.watchers.get(pid) ?? new Set();
    set.add(fn);
    this.watchers.set(pid, set);
    const tokens = opts.tokens ?? true;
    if (tokens) this.tokenWatchers.set(pid, (this.tokenWatchers.get(pid) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      set.delete(fn);
      if (!set.size) this.watchers.delete(pid);
      if (tokens) {
        const n = this.tokenWatchers.get(pid)! - 1;
        if (n) this.tokenWatchers.set(pid, n);
        else this.tokenWatchers.delete(pid);
      }
    };
  }

  /**
   * Whether this process's call streams: its task asks to (its caller will
   * watch, maybe only after the call starts), or someone would hear the
   * tokens now: a global 'token' listener besides the table's own (the
   * constructor's, which feeds watchers), or a watcher of it or its parent.
   */
  wantsTokens(p: Process): boolean {
    return p.task.stream === true || this.listenerCount('token') > 1 || this.tokenWatchers.has(p.pid) || (p.ppid > 0 && this.tokenWatchers.has(p.ppid));
  }

  private notify(pid: number, e: ProcWatchEvent): void {
    for (const fn of this.watchers.get(pid) ?? []) fn(e);
    const ppid = e.proc.ppid;
    if (ppid && pid === e.proc.pid) for (const fn of this.watchers.get(ppid) ?? []) fn(e);
  }

  /** Allocates a pid and a NEW process; the caller makes it READY. */
  alloc(task: Task, owner: string, ppid = 0): Process {
    const p = new Process(this.pidSource ? this.pidSource() : this.nextPid, ppid, owner, task);
    this.insert(p);
    this.procs.get(ppid)?.children.push(p.pid);
    return p;
  }

  /** Restores a process under its old pid (journal replay); pids stay monotonic. */
  adopt(p: Process): void {
    this.insert(p);
    if (p.state === 'exited') this.remember(p.pid);
  }

  /** Adds to the map; pids stay monotonic. Pids from a pidSource or replicas may arrive out of order. */
  private insert(p: Process): void {
    if (p.pid < this.maxPid) this.inPidOrder = false;
    this.maxPid = Math.max(this.maxPid, p.pid);
    this.nextPid = Math.max(this.nextPid, p.pid + 1);
    this.procs.set(p.pid, p);
  }

  get(pid: number): Process | undefined {
    return this.procs.get(pid);
  }

  /** Like get, but throws LLMOS_ENOPROC. */
  must(pid: number): Process {
    const p = this.procs.get(pid);
    if (!p) throw Errors.noProc(pid);
    return p;
  }

  /** Processes in pid order, starting after `after`. */
  *scan(after = 0): Iterable<Process> {
    // Map iteration order is insertion order; restore pid order once after out-of-order inserts.
    if (!this.inPidOrder) {
      const sorted = [...this.procs.entries()].sort((a, b) => a[0] - b[0]);
      this.procs.clear();
      for (const [pid, p] of sorted) this.procs.set(pid, p);
      this.inPidOrder = true;
    }
    for (const p of this.procs.values()) if (p.pid > after) yield p;
  }

  get size(): number {
    return this.procs.size;
  }

  get lastPid(): number {
    return this.nextPid - 1;
  }

  /** Pids up to `last` were handed out before (e.g. by an earlier run): never hand them out again. */
  skipPidsThrough(last: number): void {
    this.nextPid = Math.max(this.nextPid, last + 1);
  }

  counts(): Record<ProcState, number> {
    const c: Record<ProcState, number> = { new: 0, ready: 0, running: 0, blocked: 0, exited: 0 };
    for (const p of this.procs.values()) c[p.state]++;
    return c;
  }

  /** Moves a live process to another live state. */
  setState(p: Process, to: Exclude<ProcState, 'exited'>): void {
    if (p.state === 'exited') return;
    const from = p.state;
    p.state = to;
    if (to === 'running' && p.started === undefined) p.started = Date.now();
    if (to === 'ready') p.readyAt = Date.now();
    this.emit('state', p, from);
  }

  /** Records the exit once; later calls are ignored, so every process has exactly one result. */
  exit(p: Process, status: ExitStatus, outcome: { result?: ProcResult; error?: LlmosError | ProcError } = {}): boolean {
    if (p.state === 'exited') return false;
    const from = p.state;
    p.state = 'exited';
    p.exit = status;
    p.finished = Date.now();
    if (outcome.result) p.result = outcome.result;
    if (outcome.error) {
      const { code, message, data } = outcome.error;
      p.error = data && Object.keys(data).length ? { code, message, data } : { code, message };
    }
    p.container = undefined;
    this.remember(p.pid);
    this.emit('state', p, from);
    this.emit('exit', p);
    for (const wake of this.waiters.get(p.pid) ?? []) wake();
    this.waiters.delete(p.pid);
    return true;
  }

  /**
   * Records the exit of a process stopped by `e`. When its signal was aborted
   * (kill, deadline, cancelled request) the abort reason is the cause:
   * 'killed' or 'timeout' (exitStatusOf). Otherwise it 'failed' with `e` as
   * a coded error. The one place a stop becomes an exit status.
   */
  end(p: Process, e: unknown): boolean {
    if (!p.stopped) return this.exit(p, 'failed', { error: toLlmosError(e) });
    const reason: unknown = p.stopCause;
    const why = reason instanceof LlmosError ? reason : new LlmosError('LLMOS_EKILLED', `process ${p.pid} was killed.`);
    return this.exit(p, exitStatusOf(why), { error: why });
  }

  /**
   * Resolves when the process exits (at once if it has), or rejects with
   * LLMOS_ETIMEDOUT after timeoutMs, or with the signal's reason when it is
   * aborted (at once if it already is).
   */
  wait(pid: number, timeoutMs: number, signal?: AbortSignal): Promise<Process> {
    const p = this.procs.get(pid);
    if (!p) return Promise.reject(Errors.noProc(pid));
    if (p.state === 'exited') return Promise.resolve(p);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(p);
      };
      const onAbort = () => {
        clearTimeout(timer);
        this.unwait(pid, done);
        reject(signal?.reason ?? new Error('aborted'));
      };
      const timer = setTimeout(() => {
        this.unwait(pid, done);
        signal?.removeEventListener('abort', onAbort);
        reject(Errors.waitTimedOut(pid, timeoutMs));
      }, timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      const list = this.waiters.get(pid) ?? [];
      list.push(done);
      this.waiters.set(pid, list);
    });
  }

  private unwait(pid: number, fn: () => void): void {
    const list = this.waiters.get(pid);
    if (!list) return;
    const i = list.indexOf(fn);
    if (i >= 0) list.splice(i, 1);
    if (!list.length) this.waiters.delete(pid);
  }

  private remember(pid: number): void {
    this.finished.push(pid);
    while (this.finished.length - this.finishedHead > this.maxFinished) this.reap(this.finished[this.finishedHead++]);
    if (this.finishedHead > 4096 && this.finishedHead * 2 > this.finished.length) {
      this.finished.splice(0, this.finishedHead);
      this.finishedHead = 0;
    }
  }

  private reap(pid: number): void {
    const p = this.procs.get(pid);
    if (!p || p.state !== 'exited') return;
    this.procs.delete(pid);
  }
}
