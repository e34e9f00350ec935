import { Errors, LlmosError } from '../core/errors.js';
import type { Executor } from './exec.js';
import type { Logger } from '../core/log.js';
import type { ModelTable } from './models.js';
import type { Process, ProcessTable } from './proc.js';
import type { ResourceManager } from './resources.js';
import { untilStopped } from './signal.js';
import { exitFeedback, type Allocator } from '../core/allocator.js';
import type { ModelInfo } from '../core/model.js';
import type { ReadyQueue } from '../core/ready-queue.js';
import type { Scheduler } from '../core/scheduler.js';
import { FEATURES, neededFeatures, type Feature } from '../core/task.js';

const has = (m: ModelInfo, features: readonly Feature[]) => features.every((f) => m.capabilities[f] === true);

/** LLMOS_EINVAL naming what the task needs and the models that have it. */
function lacking(what: string, features: readonly Feature[], all: ModelInfo[]): LlmosError {
  const names = features.map((f) => FEATURES[f]).join(' and ');
  const able = all.filter((m) => has(m, features)).map((m) => m.id);
  const alt = able.length ? `use one of ${able.join(', ')} or "auto"` : `register a model with capabilities.${features.join(' and capabilities.')}`;
  return new LlmosError('LLMOS_EINVAL', `${what} does not support ${names}, which this request needs; ${alt}, or leave ${names} out of the request.`, { param: features.includes('tool_calling') ? 'tools' : features[0] });
}

/** The active policies; swapped at runtime by sched_set / alloc_set. */
export interface Policies {
  /** False until a scheduler and an allocator are loaded. */
  ready(): boolean;
  scheduler(): Scheduler;
  allocator(): Allocator;
  /** Whether the owner's policy lets it run on the model. */
  mayUseModel(owner: string, model: string): boolean;
}

/**
 * The loop that moves READY processes to RUNNING. It holds no policy: the
 * scheduler says which process runs next, the allocator on which model.
 * It runs on events (enqueue, exit, model change), never on a timer.
 */
export class Dispatcher {
  /** Processes picked from the queue and not yet exited. */
  private active = 0;
  private pumping = false;
  /** Set by pause(): nothing more is picked (shutdown). */
  private paused = false;
  /** Resolved when no picked process is left (whenIdle). */
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly procs: ProcessTable,
    private readonly models: ModelTable,
    private readonly res: ResourceManager,
    private readonly exec: Executor,
    private readonly policy: Policies,
    private readonly log: Logger,
  ) {
    models.on('change', () => this.kick());
  }

  /** Total capacity: the sum of every available model's slots. */
  private capacity(): number {
    return this.models.available().reduce((n, m) => n + m.concurrency, 0);
  }

  /** Coalesces many kicks in one tick into one pump. */
  kick(): void {
    if (this.pumping) return;
    this.pumping = true;
    queueMicrotask(() => {
      this.pumping = false;
      this.pump();
    });
  }

  /** Picks nothing more from the queue from now on (shutdown); queued processes stay queued. */
  pause(): void {
    this.paused = true;
  }

  /** Resolves once every picked process has exited or was put back (at once when none is). */
  whenIdle(): Promise<void> {
    return this.active === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** One picked process is done with; wakes idle waiters when it was the last, then looks for more work. */
  private unpick(): void {
    if (--this.active === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    this.kick();
  }

  private pump(): void {
    if (!this.mayPick()) return;
    const sched = this.policy.scheduler();
    for (let free = this.capacity() - this.active; free > 0; free--) {
      const picked = sched.pickNext(Math.min(free, this.res.freeSlots()), Date.now());
      if (!picked) return;
      const p = this.procs.get(picked.pid);
      if (p?.state !== 'ready') continue; // killed while queued, or not a process of this table
      this.startPicked(p, sched);
    }
  }

  /** False while shutting down or while plugins are still registering. */
  private mayPick(): boolean {
    return !this.paused && this.policy.ready();
  }

  private startPicked(p: Process, sched: Scheduler): void {
    this.active++;
    void this.start(p, sched).finally(() => this.unpick());
  }

  /**
   * Runs a READY arrival at once when a slot is free and nothing waits before
   * it (the scheduler's bypassWhenIdle); false when it must be queued.
   */
  runIfIdle(p: Process, sched: Scheduler): boolean {
    if (!sched.bypassWhenIdle || sched.size() > 0 || !this.mayPick() || this.capacity() - this.active <= 0) return false;
    this.startPicked(p, sched);
    return true;
  }

  /** Candidates for a task: healthy models (with tool_calling when it offers tools), or the one it asked for. */
  candidates(p: Process): ModelInfo[] {
    const all = this.models.available().filter((m) => (!m.owner || m.owner === p.owner) && this.policy.mayUseModel(p.owner, m.id));
    const needs = neededFeatures(p.task);
    if (p.task.model === 'auto') {
      const ok = needs.length ? all.filter((m) => has(m, needs)) : all;
      if (all.length && !ok.length) throw lacking('no ready model', needs, all);
      return ok;
    }
    const m = all.find((x) => x.id === p.task.model);
    if (m && !has(m, needs)) throw lacking(`model "${m.id}"`, needs.filter((f) => !has(m, [f])), all);
    if (m) return [m];
    if (!this.policy.mayUseModel(p.owner, p.task.model))
      throw new LlmosError('LLMOS_EPERM', `the policy of "${p.owner}" does not allow model "${p.task.model}"; use "auto" or a model policy_get lists.`, { owner: p.owner, model: p.task.model });
    const e = this.models.get(p.task.model);
    if (e?.backend.info.owner && e.backend.info.owner !== p.owner)
      throw new LlmosError('LLMOS_EPERM', `model "${p.task.model}" belongs to another session; use your own models or "auto".`);
    throw e ? Errors.noModel(`model "${p.task.model}" is ${e.status}; retry later or use "auto"`) : Errors.noModel(`model "${p.task.model}" is not registered`);
  }

  /**
   * Chooses the model: the task's own, else the active allocator over the candidates. Records the
   * choice on the process; resolves with the models to try, the chosen one
   * first, then the rest by score. Throws LLMOS_ENOMODEL / LLMOS_EPERM.
   */
  async place(p: Process): Promise<ModelInfo[]> {
    const candidates = this.candidates(p);
    if (!candidates.length) throw Errors.noModel('no model is registered and healthy');
    if (p.task.model !== 'auto') {
      // The task named its model: nothing to choose, so the allocator is not asked (it still hears the exit).
      p.allocation = { model: candidates[0].id, reason: `the task asked for model "${candidates[0].id}".`, scores: { [candidates[0].id]: 1 } };
      return candidates;
    }
    const choice = this.policy.allocator().choose(p.task, candidates, { now: Date.now(), proc: p });
    const alloc = choice instanceof Promise ? await untilStopped(p, choice) : choice;
    const chosen = candidates.find((m) => m.id === alloc.model);
    if (!chosen) throw Errors.noModel(`the allocator chose "${alloc.model}", which is not a candidate`);
    p.allocation = alloc;
    return [chosen, ...candidates.filter((m) => m !== chosen).sort((a, b) => (alloc.scores[b.id] ?? 0) - (alloc.scores[a.id] ?? 0))];
  }

  private async start(p: Process, sched: Scheduler): Promise<void> {
    if ((await this.execute(p, () => this.place(p), sched)) === 'preempted') this.requeue(p);
  }

  /**
   * Runs a process a plugin ready queue placed (RunHost.run) on `ranked`,
   * counted against capacity like a pick. Resolves 'preempted' when its call
   * was cancelled to make room (the process is not queued again here).
   */
  async runPlaced(p: Process, ranked: ModelInfo[]): Promise<'done' | 'preempted'> {
    this.active++;
    try {
      return await this.execute(p, async () => ranked);
    } finally {
      this.unpick();
    }
  }

  /**
   * The one path from a picked process to its exit: placement, the executor,
   * a failed exit, feedback. The process leaves READY here, synchronously
   * (BLOCKED until admitted), so a kill from now on only aborts its signal
   * and this path records the exit; every await below checks that signal.
   */
  private async execute(p: Process, placement: () => Promise<ModelInfo[]>, sched?: Scheduler): Promise<'done' | 'preempted'> {
    this.procs.setState(p, 'blocked');
    try {
      if ((await this.exec.run(p, await placement())) === 'preempted') return 'preempted';
    } catch (e) {
      this.procs.end(p, e);
    }
    this.feedback(p, sched);
    return 'done';
  }

  /** A preempted process goes back to the queue with its attempts and usage so far. */
  private requeue(p: Process): void {
    this.procs.setState(p, 'ready');
    this.policy.scheduler().enqueue(p);
  }

  /**
   * Asks the scheduler whether `incoming` should displace a running process
   * (only when no slot is free and the scheduler preempts); cancels that
   * process's current call, which then re-enters the queue.
   */
  maybePreempt(incoming: Process): void {
    const sched = this.policy.scheduler();
    if (!sched.preemptFor || this.res.freeSlots() > 0) return;
    const victim = sched.preemptFor(incoming);
    if (victim) this.procs.get(victim.pid)?.callController?.abort(new LlmosError('LLMOS_EPREEMPTED', `process ${victim.pid} was preempted by ${incoming.pid} and queued again.`));
  }

  private feedback(p: Process, sched?: Scheduler): void {
    try {
      sched?.onExit(p);
      if (p.model) this.policy.allocator().feedback?.(exitFeedback(p));
    } catch (e) {
      this.log.error({ err: e, pid: p.pid }, 'policy plugin failed in onExit/feedback');
    }
  }
}

/**
 * The kernel's own ready queue: the active scheduler orders READY processes
 * and the dispatcher above takes the next one whenever a slot is free. Every
 * call goes to the scheduler active at that moment (sched_set moves the queue).
 * A plugin's ready queue (e.g. queue-redis) replaces it and runs placed
 * processes through Dispatcher.runPlaced instead.
 */
export class LocalReadyQueue implements ReadyQueue {
  readonly name = 'local';

  constructor(
    private readonly scheduler: () => Scheduler,
    private readonly dispatcher: Dispatcher,
  ) {}

  push(p: Process): void {
    const sched = this.scheduler();
    if (this.dispatcher.runIfIdle(p, sched)) return;
    sched.enqueue(p);
    this.dispatcher.maybePreempt(p);
    this.dispatcher.kick();
  }

  remove(pid: number): boolean {
    return this.scheduler().remove(pid);
  }

  reprioritize(pid: number): void {
    this.scheduler().reprioritize(pid);
  }

  size(): number {
    return this.scheduler().size();
  }

  snapshot(): Record<string, unknown> {
    return this.scheduler().snapshot();
  }
}
