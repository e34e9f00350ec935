import { EventEmitter } from 'node:events';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { Dispatcher, LocalReadyQueue } from './dispatch.js';
import { Errors, LlmosError } from '../core/errors.js';
import { Admitter } from './admit.js';
import { Executor } from './exec.js';
import { procContainer, procServices } from './proc-scope.js';
import type { Logger } from '../core/log.js';
import { createLogger, warningsOf, type Warnings } from './log.js';
import { ModelTable } from './models.js';
import { params } from './params.js';
import { Process, ProcessTable } from './proc.js';
import { PolicyRegistry } from './registry.js';
import { ResourceManager } from './resources.js';
import { Budgets } from './budgets.js';
import type { SpendLedger } from '../core/ledger.js';
import type { PolicyStore } from '../core/policy.js';
import { SqliteLedger } from './ledger.js';
import { PolicyTable } from './policy.js';
import { QueueShares } from './queue-shares.js';
import type { PolicyConfig } from '../core/policy.js';
import { ResourceTable } from './resourcetable.js';
import { Permissions } from './permissions.js';
import { SyscallTable } from './syscall.js';
import { TaskFields, TaskSchema, type Task, type TaskInput } from '../core/task.js';
import type { GroupHandle } from '../core/kernel-api.js';
import type { Allocator } from '../core/allocator.js';
import type { ModelBackend } from '../core/model.js';
import type { HttpRoutes } from '../core/http.js';
import type { SessionHook } from '../core/session.js';
import type { SpawnHook } from '../core/spawn.js';
import { applyProfile, type Profiler } from '../core/profiler.js';
import type { Scheduler } from '../core/scheduler.js';
import type { Journal } from '../core/journal.js';
import type { PidSource, ReadyQueue } from '../core/ready-queue.js';
import { Slot } from './slot.js';
import { bothDurable } from '../core/end-of-turn.js';
import { Stops } from '../core/exit-cause.js';
import { drainAndHalt, type ShutdownCounts } from './shutdown.js';

/** setTimeout's longest delay (2³¹ − 1 ms); longer ones fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface KernelOptions {
  dataDir: string;
  logger?: Logger;
  container?: DependencyContainer;
  version?: string;
  /** Admin owner patterns; default from LLMOS_ADMINS (see Permissions). */
  admins?: readonly string[];
  /** Per-user policy, the config's `policy` section (see PolicyTable). */
  policy?: PolicyConfig;
}

export interface KernelEvents {
  /** A resource's content changed; MCP subscribers of that uri are notified. */
  resource: [uri: string];
}

/**
 * The kernel: process table, syscall table, model table, resource manager
 * and the dispatcher, wired together. Policy (scheduler, allocator,
 * profiler) comes only from plugins through the registries.
 */
export class Kernel extends EventEmitter<KernelEvents> {
  readonly started = Date.now();
  readonly procs = new ProcessTable();
  readonly perms: Permissions;
  readonly syscalls: SyscallTable;
  readonly resources = new ResourceTable();
  readonly models = new ModelTable();
  /** Run-time policy, and spend and budgets unless a plugin provides a spend ledger: shared by every instance on the data dir. */
  readonly ledger: SqliteLedger;
  readonly policy: PolicyTable;
  readonly res: ResourceManager;
  /** Queued processes per account, for queue shares. */
  readonly queueShares: QueueShares;
  readonly schedulers = new PolicyRegistry<Scheduler>('scheduler');
  readonly allocators = new PolicyRegistry<Allocator>('allocator');
  profiler?: Profiler;
  /** Run for each client session (MCP); see plugin-api/session.ts. */
  readonly sessionHooks: SessionHook[] = [];
  /** proc_spawn extensions, in registration order; see plugin-api/spawn.ts. */
  readonly spawnHooks: SpawnHook[] = [];
  /** Extra HTTP routes mounted by the HTTP transport (e.g. the OpenAI-compatible gateway). */
  readonly httpRoutes: HttpRoutes[] = [];
  readonly exec: Executor;
  readonly dispatcher: Dispatcher;
  /** Where READY processes wait: a plugin's (readyQueues) or the local one. */
  private readonly localQueue: LocalReadyQueue;
  private readonly readyQueues = new Slot<ReadyQueue>('ready queue');
  private readonly journals = new Slot<Journal>('journal');
  private readonly pidSources = new Slot<PidSource>('pid source');
  private readonly spendLedgers = new Slot<SpendLedger>('spend ledger');
  readonly log: Logger;
  /** The log's warnings and errors, for MCP logging notifications; absent when the kernel was given a logger of its own. */
  readonly warnings?: Warnings;
  readonly container: DependencyContainer;
  readonly dataDir: string;
  readonly version: string;
  /** Names of transports serving this kernel, for sys_info. */
  readonly transports = new Set<string>();
  /** Aborted once the server has stopped taking work and put unfinished processes back (see shutdown). */
  private readonly stopper = new AbortController();
  /** True from the start of shutdown: spawn refuses new work. */
  private draining = false;
  /** Plugins as loaded, for sys_info and llmos://plugins. */
  plugins: Array<{ name: string; version: string; provides: string[]; module: string }> = [];

  constructor(opts: KernelOptions) {
    super();
    this.setMaxListeners(0);
    this.dataDir = opts.dataDir;
    this.perms = opts.admins ? new Permissions(opts.admins) : Permissions.fromEnv();
    this.log = opts.logger ?? createLogger();
    this.ledger = new SqliteLedger(this.dataDir, undefined, this.log);
    this.policy = new PolicyTable({
      loadPolicy: () => this.policyStore().loadPolicy(),
      savePolicy: (pattern, p) => this.policyStore().savePolicy(pattern, p),
      version: () => this.policyStore().version(),
    });
    this.policy.configure(opts.policy);
    this.res = new ResourceManager(new Budgets(() => this.spendLedger(), this.policy, {}, this.log), this.policy);
    this.queueShares = new QueueShares(this.procs);
    const durable = () => bothDurable(this.journals.get()?.durable?.(), this.spendLedger().durable?.());
    this.syscalls = new SyscallTable(this.perms, this.policy, durable);
    this.version = opts.version ?? '0.0.0';
    this.warnings = warningsOf(this.log);
    this.container = (opts.container ?? rootContainer).createChildContainer();
    const services = (p: Process) => procServices(procContainer(this.container, this.res, this.log, p));
    this.exec = new Executor(this.procs, this.models, new Admitter(this.procs, this.models, this.res, services), services, durable);
    const policies = {
      ready: () => this.schedulers.names().length > 0 && this.allocators.names().length > 0,
      scheduler: () => this.schedulers.active(),
      allocator: () => this.allocators.active(),
      mayUseModel: (owner: string, model: string) => this.policy.mayUseModel(owner, model),
    };
    this.dispatcher = new Dispatcher(this.procs, this.models, this.res, this.exec, policies, this.log);
    this.localQueue = new LocalReadyQueue(() => this.schedulers.active(), this.dispatcher);
    this.procs.on('state', (p) => this.emit('resource', `llmos://proc/${p.pid}`));
    this.procs.on('exit', (p) => this.rollUp(p));
    this.models.on('change', (id) => this.emit('resource', `llmos://models/${id}`));
  }

  /** Adds a proc_spawn extension; its field names must be new. */
  addSpawnHook(h: SpawnHook): void {
    const taken = new Set([...Object.keys(TaskFields.shape), 'wait', 'timeout_ms', ...this.spawnHooks.flatMap((x) => Object.keys(x.input))]);
    const clash = Object.keys(h.input).filter((f) => taken.has(f));
    if (clash.length) throw new LlmosError('LLMOS_EPLUGIN', `spawn hook "${h.name}" adds proc_spawn field(s) ${clash.join(', ')}, which already exist; rename them.`);
    this.spawnHooks.push(h);
  }

  /**
   * Creates a process and makes it READY. Fails fast with LLMOS_EQUEUEFULL or
   * LLMOS_ENOMODEL before anything is accepted; once it returns, the process
   * is never dropped.
   */
  spawn(input: TaskInput, owner: string, ppid = 0): Process {
    this.refuseWhenDraining();
    return this.spawnValid(TaskSchema.parse(input), owner, ppid);
  }

  /** spawn() for a task already parsed by TaskSchema (or a schema extending its fields and refinements, as proc_spawn's input does): no second parse. */
  spawnValid(task: Task, owner: string, ppid = 0): Process {
    this.refuseWhenDraining();
    const queue = this.readyQueue();
    const queued = queue.size(); // fails fast (LLMOS_EPLUGIN) when the local queue has no scheduler
    this.allocators.active(); // fails fast (LLMOS_EPLUGIN) when no allocator is loaded
    if (queued >= params.maxQueue) throw Errors.queueFull(params.maxQueue);
    this.queueShares.check(owner, this.queueShare(owner), params.maxQueue);
    if (!this.models.all().length) throw Errors.noModel('no model is registered');
    this.policy.requireModel(owner, task.model);
    if (task.model !== 'auto' && this.models.must(task.model).status === 'draining')
      throw new LlmosError('LLMOS_EUNAVAILABLE', `model "${task.model}" is draining before removal; use another model or "auto".`, { model: task.model });
    this.res.countRequest(owner);
    const p = this.procs.alloc(this.profile(task), owner, ppid);
    if (task.deadline_ms) this.armDeadline(p, task.deadline_ms);
    this.procs.setState(p, 'ready');
    queue.push(p);
    return p;
  }

  /** How many queued processes the owner's account may have: its policy's max_queued, else an equal share of LLMOS_MAX_QUEUE. */
  queueShare(owner: string): number {
    return this.policy.resolve(owner).max_queued ?? Math.max(1, Math.ceil(params.maxQueue / params.queueShares));
  }

  /** Closes the ledger; call once, after the plugins stopped. */
  close(): void {
    this.ledger.close();
  }

  private refuseWhenDraining(): void {
    if (this.draining) throw new LlmosError('LLMOS_EUNAVAILABLE', 'the server is shutting down and takes no new work; spawn again once it has restarted.', { cause: 'shutdown' });
  }

  /** Aborted when shutdown has put unfinished processes back; its reason is what waiters on them are told. */
  get stopping(): AbortSignal {
    return this.stopper.signal;
  }

  /**
   * Graceful stop: refuses new work, lets picked processes finish for up to
   * graceMs, then stops the rest without recording an exit, so a journal
   * keeps them live and the next start queues them again (see shutdown.ts).
   * Call once, before the plugins stop.
   */
  async shutdown(graceMs = params.shutdownGraceMs): Promise<ShutdownCounts> {
    this.draining = true;
    return drainAndHalt({ procs: this.procs, dispatcher: this.dispatcher, exec: this.exec, stopper: this.stopper, journaled: !!this.journal() }, graceMs);
  }

  /** The task with what the caller left out (type, language, target_language, code_language, intent, domain) filled in by the profiler, with confidences (see applyProfile). */
  profile(task: Task): Task {
    if (!this.profiler) return task;
    return applyProfile(task, this.profiler.profile(task));
  }

  /**
   * A process that never runs on a model itself but parents children
   * (collaboration syscalls). It is RUNNING until its creator ends it through
   * the handle; usage of its children rolls up into it. Its deadline is armed here.
   */
  spawnGroup(input: TaskInput, owner: string, ppid = 0): GroupHandle {
    this.refuseWhenDraining();
    const p = this.procs.alloc(this.profile(TaskSchema.parse(input)), owner, ppid);
    p.kind = 'group';
    if (p.task.deadline_ms) this.armDeadline(p, p.task.deadline_ms);
    this.procs.setState(p, 'running');
    return {
      proc: p,
      exit: (outcome) => {
        if ('result' in outcome) this.procs.exit(p, 'ok', outcome);
        else this.procs.end(p, outcome.error);
      },
    };
  }

  /** Records the quality of an exited process that ran on a model, once. */
  rate(pid: number, rating: number): Process {
    const p = this.procs.must(pid);
    if (p.state !== 'exited') throw new LlmosError('LLMOS_EINVAL', `process ${pid} is ${p.state}; wait for it with proc_wait, then send feedback.`, { pid });
    if (!p.model) throw new LlmosError('LLMOS_EINVAL', `process ${pid} never ran on a model (exit ${p.exit}); there is nothing to rate.`, { pid });
    if (p.rating !== undefined) throw new LlmosError('LLMOS_EINVAL', `process ${pid} was rated already (reward ${p.rating}); a process is rated once.`, { pid });
    p.rating = rating;
    this.procs.emit('change', p);
    return p;
  }

  /** Adds an exited child's usage to every ancestor, so a tree's cost shows at its root. */
  private rollUp(child: Process): void {
    for (let a = this.procs.get(child.ppid); a; a = this.procs.get(a.ppid)) {
      a.usage.prompt_tokens += child.usage.prompt_tokens;
      a.usage.completion_tokens += child.usage.completion_tokens;
      a.usage.cost_usd += child.usage.cost_usd;
      if (!a.ppid) break;
    }
  }

  /** Where READY processes wait now: the plugin ready queue if one was provided, else the local one. */
  readyQueue(): ReadyQueue {
    return this.readyQueues.get() ?? this.localQueue;
  }

  /** A plugin's ready queue replaces the local one (at most one; LLMOS_EEXIST for a second). `make` runs once, at the first use. */
  provideReadyQueue(plugin: string, make: () => ReadyQueue): void {
    this.readyQueues.provide(plugin, make);
  }

  /** The process journal, replayed once at boot (see restoreFromJournal; at most one, LLMOS_EEXIST for a second). */
  provideJournal(plugin: string, journal: Journal): void {
    this.journals.provide(plugin, () => journal);
  }

  journal(): Journal | undefined {
    return this.journals.get();
  }

  /** Where spend and budgets live now: a plugin's ledger if one was provided, else SQLite under the data dir. */
  spendLedger(): SpendLedger {
    return this.spendLedgers.get() ?? this.ledger;
  }

  /** A plugin's spend ledger replaces the data dir's (at most one; LLMOS_EEXIST for a second), with its policy store if it has one. */
  provideSpendLedger(plugin: string, ledger: SpendLedger): void {
    this.spendLedgers.provide(plugin, () => ledger);
    this.policy.reload();
  }

  /** Where policy_set changes live: the plugin ledger's store if it has one, else the data dir's. */
  private policyStore(): PolicyStore {
    return this.spendLedgers.get()?.policy ?? this.ledger;
  }

  /** Where new pids come from (at most one; LLMOS_EEXIST for a second). */
  providePidSource(plugin: string, next: PidSource): void {
    this.pidSources.provide(plugin, () => next);
    this.procs.pidSource = next;
  }

  /** Takes in a process rebuilt from a record (journal, shared table) under its old pid, linked to its parent. */
  adopt(p: Process): void {
    this.procs.adopt(p);
    const parent = this.procs.get(p.ppid);
    if (parent && !parent.children.includes(p.pid)) parent.children.push(p.pid);
  }

  /**
   * Queues a process rebuilt from the journal again, under its old pid
   * (at-least-once: a call that was running when the server died runs again).
   */
  resume(p: Process): void {
    this.adopt(p);
    if (p.task.deadline_ms) this.armDeadline(p, p.task.deadline_ms);
    p.state = 'new';
    this.procs.setState(p, 'ready');
    this.readyQueue().push(p);
  }

  /** Kills the process at `at` unless it exits first; a deadline beyond setTimeout's range (~24.8 days) is reached in steps. */
  private armDeadline(p: Process, at: number): void {
    let t: NodeJS.Timeout;
    const arm = () => {
      const left = at - Date.now();
      t = setTimeout(left > MAX_TIMER_MS ? arm : () => this.kill(p.pid, Stops.deadline(p.pid)), Math.max(0, Math.min(left, MAX_TIMER_MS)));
      t.unref();
    };
    arm();
    // Cleared at exit, so a far deadline does not keep a reaped process alive.
    const unwatch = this.procs.watch(p.pid, ({ proc }) => {
      if (proc === p && p.state === 'exited') {
        clearTimeout(t);
        unwatch();
      }
    }, { tokens: false });
  }

  /** Admits a backend into the model table and the resource manager. */
  addModel(b: ModelBackend): void {
    this.models.add(b);
    this.res.addModel(b.info);
  }

  /** Swaps in a new version; calls in flight finish on the old one (see ModelTable.update). */
  async updateModel(b: ModelBackend): Promise<void> {
    await this.models.update(b);
    this.res.addModel(b.info);
  }

  /** Removes a model at once; drain or kill its processes first. */
  async removeModel(id: string): Promise<void> {
    await this.models.remove(id);
    this.res.removeModel(id);
  }

  /** Kills a process and its children. Queued ones exit at once; running ones when their call aborts. */
  kill(pid: number, reason?: LlmosError): Process {
    const p = this.procs.must(pid);
    for (const c of p.children) if (this.procs.get(c)?.state !== 'exited') this.kill(c, reason);
    if (p.state === 'exited') return p;
    // A queued process (or a group) exits here; a picked one when its run path sees the abort.
    const queued = p.state === 'ready' || p.state === 'new' || p.kind === 'group';
    if (queued) this.readyQueue().remove(pid);
    p.stop(reason ?? new LlmosError('LLMOS_EKILLED', `process ${pid} was killed.`, { pid, cause: 'kill' }));
    if (queued) this.procs.end(p, p.stopCause);
    return p;
  }

  nice(pid: number, priority: number): Process {
    const p = this.procs.must(pid);
    if (p.state === 'exited') throw new LlmosError('LLMOS_EINVAL', `process ${pid} has exited; there is nothing to reprioritise.`, { pid });
    p.task = { ...p.task, priority };
    if (p.state === 'ready') this.readyQueue().reprioritize(pid);
    this.procs.emit('change', p);
    this.emit('resource', `llmos://proc/${pid}`);
    return p;
  }

  /** Switches the scheduler, moving every queued process over in arrival order. */
  setScheduler(name: string): Scheduler {
    const { next, previous } = this.schedulers.activate(name);
    for (const p of previous?.drain() ?? []) next.enqueue(p);
    this.dispatcher.kick();
    return next;
  }

  setAllocator(name: string): Allocator {
    return this.allocators.activate(name).next;
  }
}
