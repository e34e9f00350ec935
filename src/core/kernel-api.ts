import type { Allocator } from './allocator.js';
import type { BudgetPeriod, OwnerPolicy } from './policy.js';
import type { LlmosError } from './errors.js';
import type { Logger } from './log.js';
import type { ModelBackend, ModelHealth, ModelInfo, PromptParts } from './model.js';
import type { ProcResult, ProcState, ProcView, ProcWatchEvent } from './process.js';
import type { Scheduler } from './scheduler.js';
import type { SpawnHook } from './spawn.js';
import type { SyscallContext } from './syscall.js';
import type { Task, TaskInput } from './task.js';

/** A registered model as plugins see it: its info and state, never its backend. */
export interface ModelView {
  readonly info: ModelInfo;
  /** 'cooldown' only while the breaker is open; it reads 'ready' again once the cooldown has passed. */
  readonly status: 'ready' | 'cooldown' | 'draining';
  /** Calls in flight on the current version. */
  readonly inflight: number;
  readonly slotsInUse: number;
  readonly lastHealth?: Readonly<ModelHealth & { at: number }>;
  /** Unix ms when an open breaker closes; 0 when closed. */
  readonly cooldownUntil: number;
  /** Older versions still finishing calls after model_update. */
  readonly retiring: ReadonlyArray<{ version: string; inflight: number }>;
}

/** Budget limits of one owner's account; an absent field is unlimited. */
export interface Budget {
  tokens?: number;
  cost_usd?: number;
  /** When spend starts again from zero (UTC); absent: the policy's, else lifetime. */
  period?: BudgetPeriod;
}
export interface Spend {
  tokens: number;
  cost_usd: number;
}
export interface BudgetState {
  /** Whose spend this is: the owner, or the account it shares (see accountOf). */
  account: string;
  /** The period spent and reserved cover. */
  period: BudgetPeriod;
  limit: Budget;
  spent: Spend;
  /** Worst-case spend of calls in flight, reserved before each call. */
  reserved: Spend;
}

/** The process events every subscriber hears (see KernelApi.onProc). */
export interface ProcEventMap {
  state: [proc: ProcView, from: ProcState];
  exit: [proc: ProcView];
  /** The record changed outside a state transition (priority, rating). */
  change: [proc: ProcView];
}

/**
 * A group process (collaboration): it never runs on a model itself, it
 * parents children. Only its creator holds this handle, and only through it
 * can the group end. Its deadline (task.deadline_ms) is armed by the kernel.
 */
export interface GroupHandle {
  readonly proc: ProcView;
  /** Ends the group once; later calls are ignored. A killed group ends as killed, whatever is passed. */
  exit(outcome: { result: ProcResult } | { error: LlmosError }): void;
}

/**
 * What a plugin may ask of the kernel: the whole contract, like the
 * Kubernetes scheduling framework's Handle. Everything here is safe to call
 * at any time after register(); nothing here changes a process's state
 * except through the kernel's own transitions (spawn, kill, nice, rate).
 * What a plugin needs beyond this is an extension point (Scheduler,
 * Allocator, ModelBackend, RunQueue, Journal, …): the kernel calls the plugin.
 */
export interface KernelApi {
  readonly version: string;
  /** Unix ms when the kernel was made. */
  readonly started: number;
  readonly log: Logger;

  // ── processes ──
  /** One process, or undefined when it never existed or was reaped. */
  proc(pid: number): ProcView | undefined;
  /** Like proc(), but fails with LLMOS_ENOPROC. */
  mustProc(pid: number): ProcView;
  /** Live and recently exited processes in pid order, after `after`. */
  procs(after?: number): Iterable<ProcView>;
  /** Follows one process and its children's state changes and streamed tokens (tokens:false skips tokens). Returns unwatch. */
  watch(pid: number, fn: (e: ProcWatchEvent) => void, opts?: { tokens?: boolean }): () => void;
  /** Hears an event of every process. Returns unsubscribe. */
  onProc<E extends keyof ProcEventMap>(event: E, fn: (...args: ProcEventMap[E]) => void): () => void;
  /** Resolves when the process exits; rejects with LLMOS_ETIMEDOUT, or the signal's reason once it aborts (also when already aborted). */
  wait(pid: number, timeoutMs: number, signal?: AbortSignal): Promise<ProcView>;
  /**
   * Creates a READY process owned by `owner` (a child of `ppid` when given),
   * or fails fast (LLMOS_EQUEUEFULL, LLMOS_ENOMODEL, LLMOS_EINVAL) with
   * nothing accepted. Once it returns, the process is never dropped.
   */
  spawn(input: TaskInput, owner: string, opts?: { ppid?: number }): ProcView;
  /** Creates a RUNNING group process; see GroupHandle. */
  spawnGroup(input: TaskInput, owner: string, opts?: { ppid?: number }): GroupHandle;
  /** Kills a process and its children; a running call is aborted and the exit records `reason`. */
  kill(pid: number, reason?: LlmosError): ProcView;
  /** Sets a live process's priority (0 most urgent, 9 least); a queued one is re-ordered. */
  nice(pid: number, priority: number): ProcView;
  /** Records the quality of an exited process in [0, 1], once (LLMOS_EEXIST on a second rating). */
  rate(pid: number, rating: number): ProcView;
  /**
   * Calls a syscall by name through the kernel's syscall table, exactly as an
   * MCP client's tools/call does: the input size limit, admin and owner
   * permission checks for `ctx.owner`, input validation, the handler (with
   * every plugin's hooks, e.g. proc_spawn's spawn hooks) and output
   * validation. Resolves with the syscall's output; fails with the
   * LlmosError a client would get (LLMOS_ENOSYS for an unknown name). A
   * surface that spawns for its clients (the OpenAI gateway) uses
   * syscall('proc_spawn', …) rather than spawn(), so it cannot bypass what
   * proc_spawn enforces. `ctx.owner` is the client the plugin acts for.
   */
  syscall(name: string, input: unknown, ctx: SyscallContext): Promise<Record<string, unknown>>;
  /**
   * Hears every syscall dispatched through the table (MCP tools/call and
   * syscall() alike) once it ended: its name ("unknown" for a name not in the
   * table), wall time in ms, and the LLMOS_E… code when it failed. Returns unsubscribe.
   */
  onSyscall(fn: (name: string, ms: number, code: string | undefined) => void): () => void;
  /** The proc_spawn extensions (SpawnHook) plugins registered, in registration order. */
  spawnHooks(): readonly SpawnHook[];
  /** The profiled form of a task (type, language, domain filled where the caller left them out). */
  profile(task: Task): Task;

  // ── models ──
  model(id: string): ModelView | undefined;
  /** Like model(), but fails with LLMOS_ENOMODEL. */
  mustModel(id: string): ModelView;
  models(): ModelView[];
  /** Models a process of `owner` may be placed on now: ready, and public or the owner's own. */
  availableModels(owner: string): ModelInfo[];
  /** Admits a backend into the model table and the resource manager (LLMOS_EEXIST when the id is taken). */
  addModel(backend: ModelBackend): void;
  /** Swaps in a new version; calls in flight finish on the old one. */
  updateModel(backend: ModelBackend): Promise<void>;
  /** Stops new allocations to the model; calls in flight go on. */
  drainModel(id: string): void;
  /** The tokens of a prompt as model `id` reads it: its backend's count (tokenizer and chat template), else the kernel's estimate; LLMOS_ENOMODEL for an unknown id. */
  countPrompt(id: string, prompt: PromptParts): Promise<number>;
  /** Removes a model at once and closes its backend; drain or kill its processes first. */
  removeModel(id: string): Promise<void>;
  /** Probes health now; the result is kept as lastHealth. */
  probeModel(id: string): Promise<ModelHealth>;
  /** Hears every change to the model table (add, update, status, load). Returns unsubscribe. */
  onModels(fn: (id: string) => void): () => void;

  // ── policies ──
  scheduler(): Scheduler;
  schedulerNames(): string[];
  /** Makes another scheduler active; every queued process moves over in arrival order. */
  setScheduler(name: string): Scheduler;
  allocator(): Allocator;
  allocatorNames(): string[];
  setAllocator(name: string): Allocator;

  // ── resources ──
  /** Asynchronous: the spend ledger may be remote (see SpendLedger). */
  budget(owner: string): Promise<BudgetState>;
  /** Sets the limit of the owner's account; every anonymous HTTP session shares the "anonymous" account. */
  setBudget(owner: string, limit: Budget): Promise<void>;
  /** The owner's policy, each field from the most specific pattern that sets it (see PolicyTable). */
  policy(owner: string): OwnerPolicy;
  /** Tells MCP subscribers of `uri` that the resource changed. */
  notify(uri: string): void;

  // ── permissions ──
  isAdmin(owner: string): boolean;
  /** Throws LLMOS_EPERM unless `owner` is an admin. */
  requireAdmin(owner: string, what: string): void;
  /** Whether `owner` may see and act on the process: its own, or any for an admin. */
  mayAct(owner: string, proc: { owner: string }): boolean;
  /** Throws LLMOS_EPERM unless `owner` may act on the process. */
  requireOwner(owner: string, proc: { pid: number; owner: string }, what: string): void;
}
