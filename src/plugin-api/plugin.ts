import type { z } from 'zod';
import type { KernelApi } from '../core/kernel-api.js';
import type { Logger } from '../core/log.js';
import type { ResourceEntry } from '../core/resource.js';
import type { Syscall } from '../core/syscall.js';
import type { AllocatorFactory } from '../core/allocator.js';
import type { ModelBackend } from '../core/model.js';
import type { Profiler } from '../core/profiler.js';
import type { SchedulerFactory } from '../core/scheduler.js';
import type { HttpRoutes } from '../core/http.js';
import type { SessionHook } from '../core/session.js';
import type { SpawnHook } from '../core/spawn.js';
import type { Journal } from '../core/journal.js';
import type { PidSource, ReadyQueueFactory } from '../core/ready-queue.js';
import type { SpendLedger } from '../core/ledger.js';

/** What a plugin may contribute; listed in sys_info and checked by the loader. */
export type Provides = 'model' | 'scheduler' | 'allocator' | 'profiler' | 'knowledge' | 'syscall' | 'resource' | 'queue' | 'journal' | 'transport' | 'ledger';

/**
 * The handle a plugin gets in register(). Everything a plugin adds goes
 * through here, so the loader knows who provided what.
 */
export interface PluginScope {
  readonly name: string;
  readonly log: Logger;
  /** Where embedded stores keep files (LLMOS_DATA_DIR). */
  readonly dataDir: string;
  /** What the plugin may ask of the kernel (see KernelApi: the whole contract). */
  readonly kernel: KernelApi;
  syscall(s: Syscall<any, any>): void;
  resource(r: ResourceEntry): void;
  model(b: ModelBackend): void;
  scheduler(name: string, make: SchedulerFactory): void;
  /** A scheduler factory another plugin registered, for schedulers built from others; undefined when none has that name. */
  schedulerFactory(name: string): SchedulerFactory | undefined;
  allocator(name: string, make: AllocatorFactory): void;
  profiler(p: Profiler): void;
  /** Runs for each connected client session (e.g. to offer the client's own model). */
  onSession(hook: SessionHook): void;
  /** Adds options to proc_spawn (see spawn.ts); the plugin must declare "syscall". */
  spawnHook(hook: SpawnHook): void;
  /** Adds HTTP routes to the --http transport; the plugin must declare "transport". */
  http(routes: HttpRoutes): void;
  /**
   * Makes the queue `make` builds (given its RunHost) the place where this
   * kernel's READY processes wait, instead of the local scheduler's queue.
   * One per kernel (LLMOS_EEXIST for a second); the plugin must declare "queue".
   */
  readyQueue(make: ReadyQueueFactory): void;
  /** Makes `journal` this kernel's process journal, replayed at boot. One per kernel; the plugin must declare "journal". */
  journal(journal: Journal): void;
  /**
   * Makes `ledger` where this kernel keeps spend and account budgets, instead
   * of SQLite under the data dir (e.g. Redis, shared by a cluster). One per
   * kernel; the plugin must declare "ledger". See SpendLedger for the contract.
   */
  spendLedger(ledger: SpendLedger): void;
  /** Makes `next` the source of new pids (e.g. cluster-unique ones). One per kernel; the plugin must declare "queue". */
  pidSource(next: PidSource): void;
  /** Registers a service other plugins can resolve by token (credo-ts style). A plugin's own state between phases stays in register()'s closure instead. */
  provide<T>(token: symbol, value: T): void;
  /** Resolves a service; fails with LLMOS_EPLUGIN naming the token when nobody provides it. */
  resolve<T>(token: symbol): T;
  /** Whether a loaded plugin provides the service. */
  has(token: symbol): boolean;
  /**
   * Runs `fn` when the kernel stops, or when the boot fails after this call
   * (also when this plugin's own register() throws after it). Hooks run in
   * reverse order of their onClose calls, after the plugin's returned stop(),
   * and plugins close in reverse dependency order. Call it right after
   * opening what it closes.
   */
  onClose(fn: () => void | Promise<void>): void;
}

/**
 * What register() may return: the rest of the plugin's life as closures over
 * register's own state (avvio/Fastify style), so no state travels through
 * private DI tokens.
 */
export interface PluginLifecycle {
  /** Runs after every plugin registered, in dependency order. Bounded by a timeout (LLMOS_PLUGIN_START_TIMEOUT_MS). */
  start?(): void | Promise<void>;
  /**
   * Runs in reverse dependency order on shutdown, and when the boot fails
   * after this plugin registered: also when start() did not run or threw.
   * Undo what register() and start() did; tolerate a start that never ran.
   */
  stop?(): void | Promise<void>;
}

export interface PluginDefinition<O extends z.ZodType = z.ZodType> {
  name: string;
  version: string;
  /**
   * The plugin API versions this plugin was built for, as a semver range
   * (e.g. "^1.0.0"); the loader refuses the plugin when PLUGIN_API_VERSION is
   * outside it. Optional for now; every plugin in plugins/ declares it.
   */
  apiVersion?: string;
  description?: string;
  provides: Provides[];
  /** Plugin names that must be loaded (and started) before this one. */
  dependsOn?: string[];
  options?: O;
  /** Adds the plugin's contributions; may return its start/stop as closures (PluginLifecycle). */
  register(scope: PluginScope, options: z.output<O>): void | PluginLifecycle | Promise<void | PluginLifecycle>;
  /**
   * The older, separate form of PluginLifecycle.start, kept so existing
   * third-party plugins load unchanged; new plugins return start from
   * register(). Runs right after the returned start, if both are given.
   */
  start?(scope: PluginScope, options: z.output<O>): void | Promise<void>;
  /**
   * The older, separate form of PluginLifecycle.stop (see there: it also runs
   * when the boot fails after this plugin registered). Runs after the
   * returned stop, before the onClose hooks.
   */
  stop?(scope: PluginScope): void | Promise<void>;
}

/** Identity helper that types options from their zod schema. */
export const definePlugin = <O extends z.ZodType>(p: PluginDefinition<O>): PluginDefinition<O> => p;
