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

/** What a plugin may contribute; listed in sys_info and checked by the loader. */
export type Provides = 'model' | 'scheduler' | 'allocator' | 'profiler' | 'knowledge' | 'syscall' | 'resource' | 'queue' | 'journal' | 'transport';

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
  /** Makes `next` the source of new pids (e.g. cluster-unique ones). One per kernel; the plugin must declare "queue". */
  pidSource(next: PidSource): void;
  /** Registers a service other plugins can resolve by token (credo-ts style). */
  provide<T>(token: symbol, value: T): void;
  /** Resolves a service; fails with LLMOS_EPLUGIN naming the token when nobody provides it. */
  resolve<T>(token: symbol): T;
  /** Whether a loaded plugin provides the service. */
  has(token: symbol): boolean;
}

export interface PluginDefinition<O extends z.ZodType = z.ZodType> {
  name: string;
  version: string;
  /**
   * The plugin API versions this plugin was built for, as a semver range
   * (e.g. "^1.0.0", what `llmos plugin new` writes). The loader is to refuse
   * a plugin whose range excludes the running plugin API's version.
   */
  apiVersion?: string;
  description?: string;
  provides: Provides[];
  /** Plugin names that must be loaded (and started) before this one. */
  dependsOn?: string[];
  options?: O;
  register(scope: PluginScope, options: z.output<O>): void | Promise<void>;
  /** Runs after every plugin registered, in dependency order. Bounded by a timeout. */
  start?(scope: PluginScope, options: z.output<O>): void | Promise<void>;
  /** Runs in reverse dependency order on shutdown. */
  stop?(scope: PluginScope): void | Promise<void>;
}

/** Identity helper that types options from their zod schema. */
export const definePlugin = <O extends z.ZodType>(p: PluginDefinition<O>): PluginDefinition<O> => p;
