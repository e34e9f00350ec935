import type { Redis } from 'ioredis';
import { LlmosError, type KernelApi, type Logger, type ProcSnapshot, type ProcState, type ProcView, type RunHost, type Task } from '../../src/plugin-api/index.js';
import { sharedSnapshot, type ProcStore, type SharedProc } from './proc-store.js';

/** What a queued job carries: enough to rebuild the process on any node. */
export interface JobData {
  pid: number;
  ppid: number;
  owner: string;
  created: number;
  task: Task;
  allocation: ProcView['allocation'] | null;
}

export const jobData = (p: ProcView): JobData => ({ pid: p.pid, ppid: p.ppid, owner: p.owner, created: p.created, task: p.task, allocation: p.allocation ?? null });

/** The record of a job's process as it was queued: READY, nothing run yet. */
const jobSnapshot = (d: JobData): ProcSnapshot => ({
  pid: d.pid,
  ppid: d.ppid,
  owner: d.owner,
  kind: 'task',
  state: 'ready',
  task: d.task,
  created: d.created,
  attempts: [],
  usage: { prompt_tokens: 0, completion_tokens: 0, cost_usd: 0 },
  allocation: d.allocation ?? undefined,
  children: [],
});

/**
 * Keeps this node's process table and the shared one in step, both ways.
 * Local → shared: every state change of a process is written to its hash
 * (exit once: a second exit is refused, and the local copy is then corrected
 * from the shared one). Shared → local: a follower reads the feed and updates
 * replicas, so proc_get, proc_list and proc_wait on any node see every
 * process. Kills cross nodes: a replica killed here while it runs elsewhere
 * sends a kill request; the node running it kills its copy. The kernel keeps
 * every process: replicas come and change only through RunHost.mirror.
 */
export class TableSync {
  /** Pids whose model call runs on this node now; their local copy is the source. */
  readonly running = new Set<number>();
  /** True while a shared change is applied, so it is not written back. */
  private applying = false;
  private readonly writes = new Map<number, Promise<boolean>>();
  private readonly watched = new WeakSet<ProcView>();
  private stopped = false;
  private follower?: Promise<void>;
  private reader?: Redis;
  private offState?: () => void;

  constructor(
    private readonly kernel: KernelApi,
    private readonly host: RunHost,
    private readonly store: ProcStore,
    private readonly log: Logger,
  ) {}

  get node(): string {
    return this.store.node;
  }

  /** Starts writing local changes and following the feed on `reader`, a connection of its own. */
  start(reader: Redis, feedBlockMs = 1000): void {
    this.reader = reader;
    this.offState = this.kernel.onProc('state', this.onState);
    this.follower = this.follow(reader, feedBlockMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.offState?.();
    this.reader?.disconnect();
    await this.follower;
    await Promise.allSettled([...this.writes.values()]);
  }

  /** Resolves when every write of pid issued so far has reached Redis; rejects if the last one failed. */
  async flush(pid: number): Promise<void> {
    await this.writes.get(pid);
  }

  /** Writes p now (idempotent once it exited); used to retry a write that failed. */
  async rewrite(p: ProcView): Promise<void> {
    if (!(await this.store.write(p, true))) await this.resync(p.pid);
  }

  /** The local process for a job: the copy this node has, or a replica the kernel adopts from the job. */
  processFor(d: JobData): ProcView {
    if (!this.kernel.proc(d.pid)) this.mirror(jobSnapshot(d));
    const p = this.kernel.mustProc(d.pid);
    this.watchKill(p);
    return p;
  }

  /** Sends a kill request to the cluster when a process running on another node is killed here. */
  watchKill(p: ProcView): void {
    if (this.watched.has(p)) return;
    this.watched.add(p);
    p.signal.addEventListener(
      'abort',
      () => {
        if (this.running.has(p.pid) || (p.state !== 'running' && p.state !== 'blocked')) return;
        this.store.requestKill(p.pid).catch((err) => this.log.warn({ err, pid: p.pid }, 'could not send a kill request to the cluster'));
      },
      { once: true },
    );
  }

  private readonly onState = (p: ProcView, from: ProcState): void => {
    if (this.applying) return;
    this.watchKill(p);
    const w = this.store.write(p, from === 'new');
    this.writes.set(p.pid, w);
    w.then(
      (ok) => void (ok || this.resync(p.pid)),
      (err) => this.log.warn({ err, pid: p.pid }, 'could not write a process to Redis'),
    ).finally(() => this.writes.get(p.pid) === w && this.writes.delete(p.pid));
  };

  /** After a refused write: the shared copy exited first, so it wins. */
  private async resync(pid: number): Promise<void> {
    const s = await this.store.read(pid).catch(() => undefined);
    if (s && this.kernel.proc(pid)) this.apply(pid, s, true);
  }

  private async follow(conn: Redis, blockMs: number): Promise<void> {
    let after = '0';
    while (!this.stopped) {
      try {
        const entries = await this.store.readFeed(conn, after, blockMs);
        if (!entries.length) continue;
        after = entries[entries.length - 1].id;
        const theirs = entries.filter((e) => e.node !== this.store.node);
        const changed = [...new Set(theirs.filter((e) => !e.kill).map((e) => e.pid))];
        for (const [pid, s] of await this.store.readMany(changed)) this.apply(pid, s, false);
        for (const e of theirs) if (e.kill && this.running.has(e.pid)) this.kernel.kill(e.pid);
      } catch (err) {
        if (this.stopped) break;
        this.log.warn({ err }, 'reading the cluster process feed failed; retrying');
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  /** Makes the local copy match the shared one. `force`: also when this node wrote last. */
  private apply(pid: number, s: SharedProc, force: boolean): void {
    if (s.node === this.store.node && !force) return;
    const p = this.kernel.proc(pid);
    if (p && p.state !== 'exited' && this.running.has(pid)) {
      // This node runs it: its copy is the source, unless the shared copy already exited elsewhere.
      if (s.state === 'exited') this.kernel.kill(pid, new LlmosError('LLMOS_EKILLED', `process ${pid} already exited on node ${s.node}; this copy was stopped.`));
      return;
    }
    const snap = sharedSnapshot(s, p?.task);
    if (!snap) return; // its task is not shared yet; a later change brings it
    this.mirror(snap);
    const now = this.kernel.proc(pid);
    if (now) this.watchKill(now);
  }

  /** Hands a shared record to the kernel; the changes it makes are not written back. */
  private mirror(snap: ProcSnapshot): void {
    this.applying = true;
    try {
      this.host.mirror(snap);
    } finally {
      this.applying = false;
    }
  }
}
