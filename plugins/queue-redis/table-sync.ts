import type { Redis } from 'ioredis';
import { LlmosError, type Logger, type ProcState, type Task } from '../../src/plugin-api/index.js';
// TODO(issue 12): transitional reach into the kernel, replaced by the RunQueue/Journal extension points.
import { Process } from '../../src/kernel/proc.js';
import type { Kernel } from '../../src/kernel/kernel.js';
import type { ProcStore, SharedProc } from './proc-store.js';

/** What a queued job carries: enough to rebuild the process on any node. */
export interface JobData {
  pid: number;
  ppid: number;
  owner: string;
  created: number;
  task: Task;
  allocation: Process['allocation'] | null;
}

export const jobData = (p: Process): JobData => ({ pid: p.pid, ppid: p.ppid, owner: p.owner, created: p.created, task: p.task, allocation: p.allocation ?? null });

/**
 * Keeps this node's process table and the shared one in step, both ways.
 * Local → shared: every state change of a process is written to its hash
 * (exit once: a second exit is refused, and the local copy is then corrected
 * from the shared one). Shared → local: a follower reads the feed and updates
 * replicas, so proc_get, proc_list and proc_wait on any node see every
 * process. Kills cross nodes: a replica killed here while it runs elsewhere
 * sends a kill request; the node running it kills its copy.
 */
export class TableSync {
  /** Pids whose model call runs on this node now; their local copy is the source. */
  readonly running = new Set<number>();
  /** True while a shared change is applied, so it is not written back. */
  private applying = false;
  private readonly writes = new Map<number, Promise<boolean>>();
  private readonly watched = new WeakSet<Process>();
  private stopped = false;
  private follower?: Promise<void>;
  private reader?: Redis;

  constructor(
    private readonly kernel: Kernel,
    private readonly store: ProcStore,
    private readonly log: Logger,
  ) {}

  get node(): string {
    return this.store.node;
  }

  /** Starts writing local changes and following the feed on `reader`, a connection of its own. */
  start(reader: Redis, feedBlockMs = 1000): void {
    this.reader = reader;
    this.kernel.procs.on('state', this.onState);
    this.follower = this.follow(reader, feedBlockMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.kernel.procs.off('state', this.onState);
    this.reader?.disconnect();
    await this.follower;
    await Promise.allSettled([...this.writes.values()]);
  }

  /** Resolves when every write of pid issued so far has reached Redis; rejects if the last one failed. */
  async flush(pid: number): Promise<void> {
    await this.writes.get(pid);
  }

  /** Writes p now (idempotent once it exited); used to retry a write that failed. */
  async rewrite(p: Process): Promise<void> {
    if (!(await this.store.write(p, true))) await this.resync(p.pid);
  }

  /** The local process for a job: the copy this node has, or a new one built from the job. */
  processFor(d: JobData): Process {
    const have = this.kernel.procs.get(d.pid);
    if (have) return have;
    const p = new Process(d.pid, d.ppid, d.owner, d.task);
    p.created = d.created;
    p.allocation = d.allocation ?? undefined;
    this.linkParent(p);
    this.watchKill(p);
    return p;
  }

  /** Sends a kill request to the cluster when a process running on another node is killed here. */
  watchKill(p: Process): void {
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

  private readonly onState = (p: Process, from: ProcState): void => {
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
    const p = this.kernel.procs.get(pid);
    if (s && p) this.apply(pid, s, true);
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
    const p = this.kernel.procs.get(pid);
    if (p && p.state !== 'exited' && this.running.has(pid)) {
      // This node runs it: its copy is the source, unless the shared copy already exited elsewhere.
      if (s.state === 'exited') this.kernel.kill(pid, new LlmosError('LLMOS_EKILLED', `process ${pid} already exited on node ${s.node}; this copy was stopped.`));
      return;
    }
    this.applying = true;
    try {
      if (!p) return this.adoptReplica(pid, s);
      if (p.state === 'exited') {
        if (s.state === 'exited') copyShared(p, s);
        return;
      }
      copyShared(p, s);
      if (s.state === 'exited') {
        this.kernel.procs.exit(p, s.rec.exit ?? 'failed', { result: s.rec.result ?? undefined, error: s.rec.error ?? undefined });
        p.finished = s.rec.finished ?? p.finished;
      } else if (s.state !== p.state && s.state !== 'new') this.kernel.procs.setState(p, s.state);
    } finally {
      this.applying = false;
    }
  }

  private adoptReplica(pid: number, s: SharedProc): void {
    if (!s.task) return;
    const p = new Process(pid, s.rec.ppid, s.rec.owner, s.task);
    p.state = s.state;
    copyShared(p, s);
    this.kernel.procs.adopt(p);
    this.linkParent(p);
    this.watchKill(p);
  }

  private linkParent(p: Process): void {
    const parent = this.kernel.procs.get(p.ppid);
    if (parent && !parent.children.includes(p.pid)) parent.children.push(p.pid);
  }
}

/** Copies the shared record's fields into a local Process (the state is moved by the caller). */
function copyShared(p: Process, s: SharedProc): void {
  const r = s.rec;
  p.kind = r.kind;
  p.created = r.created;
  p.model = r.model ?? undefined;
  p.started = r.started ?? undefined;
  if (p.state === 'exited' && s.state === 'exited') {
    p.exit = r.exit ?? p.exit;
    p.finished = r.finished ?? p.finished;
  }
  p.attempts.splice(0, p.attempts.length, ...r.attempts.map((a) => ({ model: a.model, version: a.version, started: a.started, finished: a.finished ?? undefined, error: a.error ?? undefined })));
  Object.assign(p.usage, r.usage);
  p.result = r.result ?? undefined;
  p.error = r.error ?? undefined;
  p.allocation = r.allocation ?? p.allocation;
  if (r.priority !== p.task.priority) p.task = { ...p.task, priority: r.priority };
  for (const c of r.children) if (!p.children.includes(c)) p.children.push(c);
}
