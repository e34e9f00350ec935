import { LlmosError, type GroupHandle, type KernelApi, type Process, type TaskInput } from '../../src/plugin-api/index.js';
import type { KgBridge } from './kg-bridge.js';
import type { ChildView, CollabDetail } from './schemas.js';

/** setTimeout's ceiling: child waits have no timeout of their own; the group's signal ends them. */
const FOREVER_MS = 2 ** 31 - 1;
/** How long a finishing group waits for killed children to unwind, so its usage is final at exit. */
const UNWIND_MS = 10_000;

export interface ChildRole {
  role: string;
  index?: number;
  round?: number;
  /** Knowledge-graph options for this child (see kg-bridge.ts). */
  kg?: Record<string, unknown>;
}

/** What a collaboration body returns: the fused text becomes the group's result. */
export interface GroupOutcome {
  text: string;
}

/**
 * One collaboration as a process tree: a group process (kind 'group', never
 * run on a model) and the children a body spawns under it.
 *
 * Contract:
 * - spawn() refuses once the group was killed (its signal aborted), so a body
 *   stops at its next step; wait() rejects with the kill reason then;
 * - the group exits exactly once: 'ok' with the body's text, 'failed' with its
 *   error (live children are killed first), or 'killed'/'timeout' by
 *   kernel.kill (proc_kill, the request being cancelled, deadline_ms);
 * - before it exits ok/failed it waits (bounded) for killed children to
 *   unwind, so the usage rolled up into it is final;
 * - `detail` is the live collaboration record; it is also the group's
 *   task.metadata.collab, so proc_get / proc_wait on the group show it.
 */
export class Group {
  readonly detail: CollabDetail;
  /** Resolves once the body finished and the group exited. Never rejects. */
  settled: Promise<void> = Promise.resolve();
  /** Resolves once the body spawned its first children (see started()), or settled. */
  readonly ready: Promise<void>;
  private markReady!: () => void;
  private readonly views = new Map<number, ChildView>();
  private readonly kgByPid = new Map<number, Record<string, unknown> | undefined>();
  private readonly exits = new Map<number, Promise<Process>>();
  private readonly listeners = new Set<(message: string) => void>();

  /** `detail` must be the group task's metadata.collab, so proc_get on the group shows it live. */
  constructor(
    readonly kernel: KernelApi,
    private readonly handle: GroupHandle,
    detail: CollabDetail,
    private readonly kg: KgBridge,
  ) {
    this.detail = detail;
    this.ready = new Promise((resolve) => (this.markReady = resolve));
  }

  get parent(): Process {
    return this.handle.proc;
  }

  get signal(): AbortSignal {
    return this.parent.signal;
  }

  /** Throws the kill reason once the group was killed. */
  checkAlive(): void {
    if (this.signal.aborted) throw this.signal.reason instanceof Error ? this.signal.reason : new LlmosError('LLMOS_EKILLED', `group ${this.parent.pid} was killed.`);
  }

  /** Spawns one child under the group (scheduled and allocated like any process). */
  async spawn(task: TaskInput, who: ChildRole): Promise<Process> {
    this.checkAlive();
    const t = await this.kg.before(task, who.kg, this.parent.owner);
    this.checkAlive();
    const p = this.kernel.spawn({ ...t, priority: t.priority ?? this.parent.task.priority }, this.parent.owner, { ppid: this.parent.pid });
    const view: ChildView = {
      pid: p.pid,
      role: who.role,
      index: who.index ?? null,
      round: who.round ?? null,
      requested_model: p.task.model,
      model: null,
      state: p.state,
      exit: null,
      answer: null,
      key: null,
      usage: { ...p.usage },
      error: null,
    };
    this.views.set(p.pid, view);
    this.kgByPid.set(p.pid, who.kg);
    this.detail.children.push(view);
    return p;
  }

  /** Resolves when the child exited (any status); rejects when the group is killed first. */
  exited(p: Process): Promise<Process> {
    let w = this.exits.get(p.pid);
    if (!w) {
      w = this.kernel.wait(p.pid, FOREVER_MS, this.signal).then(async (q) => {
        this.sync(q);
        await this.kg.after(q, this.kgByPid.get(q.pid)).catch((e: unknown) => this.kernel.log.warn({ err: e, pid: q.pid }, 'collab: kg afterExit hook failed'));
        return q;
      });
      w.catch(() => undefined); // awaited by the body; a kill must not surface as an unhandled rejection
      this.exits.set(p.pid, w);
    }
    return w;
  }

  /** The first of `ps` to exit. */
  firstExit(ps: readonly Process[]): Promise<Process> {
    return Promise.race(ps.map((p) => this.exited(p)));
  }

  /** Kills children that have not exited; returns them. */
  killLive(reason: LlmosError): Process[] {
    const killed: Process[] = [];
    for (const pid of this.parent.children) {
      const c = this.kernel.proc(pid);
      if (c && c.state !== 'exited') {
        this.kernel.kill(pid, reason);
        killed.push(c);
      }
    }
    return killed;
  }

  /** The body calls this once its first children are spawned, so wait:false answers show them. */
  started(): void {
    this.markReady();
  }

  /** Records a key (normalized answer) on a child's view. */
  setKey(pid: number, key: string): void {
    const v = this.views.get(pid);
    if (v) v.key = key;
  }

  /** A progress message for whoever follows the group (see relayProgress in run.ts). */
  note(message: string): void {
    for (const fn of this.listeners) fn(message);
  }

  onNote(fn: (message: string) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Brings every child view up to date with its process (reaped ones keep their last view). */
  refresh(): void {
    for (const pid of this.views.keys()) {
      const p = this.kernel.proc(pid);
      if (p) this.sync(p);
    }
  }

  roleOf(pid: number): string | undefined {
    return this.views.get(pid)?.role;
  }

  private sync(p: Process): void {
    const v = this.views.get(p.pid);
    if (!v) return;
    v.model = p.model ?? null;
    v.state = p.state;
    v.exit = p.exit ?? null;
    v.answer = p.result?.text ?? null;
    v.usage = { ...p.usage };
    v.error = p.error ?? null;
  }

  /** Waits (bounded) until every child has exited, so usage roll-up is complete. */
  async unwind(): Promise<void> {
    const live = this.parent.children.filter((pid) => this.kernel.proc(pid)?.state !== 'exited');
    await Promise.allSettled(live.map((pid) => this.kernel.wait(pid, UNWIND_MS)));
    this.refresh();
  }
}

export interface LaunchOptions {
  kind: CollabDetail['kind'];
  /** The group's own task: the caller's prompt and shared fields; it never runs on a model. */
  task: TaskInput;
  owner: string;
  kg: KgBridge;
}

/**
 * Creates the group process and runs `body` in the background; returns at
 * once. The group exits when the body does (see Group's contract).
 */
export function launchGroup(kernel: KernelApi, o: LaunchOptions, body: (g: Group) => Promise<GroupOutcome>): Group {
  const detail: CollabDetail = { kind: o.kind, children: [] };
  // The kernel keeps metadata values by reference, so the live detail shows in the group's record.
  const handle = kernel.spawnGroup({ ...o.task, metadata: { ...o.task.metadata, collab: detail } }, o.owner);
  const parent = handle.proc;
  const g = new Group(kernel, handle, detail, o.kg);
  g.settled = (async () => {
    try {
      const out = await body(g);
      g.checkAlive();
      await g.unwind();
      handle.exit({ result: { text: out.text, finish_reason: 'stop' } });
    } catch (e) {
      const err = e instanceof LlmosError ? e : new LlmosError('LLMOS_EINTERNAL', `collab ${o.kind} failed: ${e instanceof Error ? e.message : String(e)}. This is a bug; check the server log.`);
      if (!(e instanceof LlmosError)) kernel.log.error({ err: e, pid: parent.pid }, 'collab body failed');
      if (!parent.signal.aborted) g.killLive(new LlmosError('LLMOS_EKILLED', `group ${parent.pid} failed: ${err.message}`));
      await g.unwind();
      handle.exit({ error: err });
    } finally {
      g.refresh();
      g.started();
    }
  })();
  return g;
}
