import type { LlmosError } from './errors.js';
import type { ProcAllocation, ProcView } from './process.js';
import type { ProcSnapshot } from './proc-snapshot.js';

/**
 * The run-queue extension point: where READY processes wait until they run.
 * (Named ReadyQueue because the plugin API's RunQueue is the heap helper
 * schedulers order processes with.)
 *
 * The kernel's own ready queue is local: the active Scheduler orders the
 * processes and the kernel's dispatcher takes the next one whenever a model
 * slot is free. A plugin may replace it for the whole node (at most one per
 * kernel; see PluginScope.readyQueue), e.g. to keep processes in a queue
 * shared by several nodes. Such a queue never runs a process itself: it hands
 * each one back through the RunHost the kernel gave it, and the kernel runs it
 * on the same dispatch, admission and exec path as a local pick.
 *
 * Every method is called synchronously from the kernel's own transitions and
 * must return quickly; slow work (network) is the queue's own, in the
 * background. A queue that cannot keep a process it accepted ends it with
 * RunHost.fail, so no READY process is ever dropped silently.
 */
export interface ReadyQueue {
  readonly name: string;
  /**
   * A process became READY: spawned, restored from the journal, or queued
   * again. From now until it is removed or handed to RunHost.run, the queue
   * holds it. Must not throw.
   */
  push(proc: ProcView): void;
  /**
   * The process is killed while READY (proc_kill, deadline): forget it.
   * Returns false when the queue does not hold it (then nothing changes).
   * The kernel records the exit itself.
   */
  remove(pid: number): boolean;
  /** The process's priority changed (proc_nice) while READY; re-order it. */
  reprioritize(pid: number): void;
  /** Processes held now, for the LLMOS_EQUEUEFULL bound and sys_info. */
  size(): number;
  /** The queue's state for status syscalls. */
  snapshot(): Record<string, unknown>;
}

/** What RunHost.run did with the process. */
export type RunOutcome =
  /** The process exited here (ok, failed, killed or timed out); its record says how. */
  | 'exited'
  /** Its call was cancelled to make room: it is READY again and the queue should run it later. */
  | 'preempted';

/**
 * How a plugin ready queue hands processes back to the kernel; given to
 * its factory. Every process stays the kernel's: the queue reads it through
 * KernelApi and asks for transitions here, never making or changing one.
 */
export interface RunHost {
  /**
   * Chooses the model a READY process will run on: the active allocator over
   * the kernel's candidates (healthy models its owner may use, or the one its
   * task names), exactly as for a local pick. Records the choice on the
   * process (alloc_explain) and resolves with it. Rejects with LLMOS_ENOMODEL
   * or LLMOS_EPERM when no model can run it, or LLMOS_ENOPROC; the process
   * then stays READY, and the queue usually ends it with fail().
   */
  place(pid: number): Promise<ProcAllocation>;
  /**
   * Runs a process the queue holds (or a replica of one, see mirror) on
   * `model`, through the kernel's one dispatch path: admission (context,
   * budget, rate, slot), the model call with its retries, the exit, usage
   * and allocator feedback. Resolves when it exited here or was preempted
   * (see RunOutcome); a process that had already exited resolves 'exited'
   * at once. Rejects, leaving the process untouched, with LLMOS_ENOMODEL when
   * `model` is not registered here, or LLMOS_ENOPROC.
   */
  run(pid: number, model: string): Promise<RunOutcome>;
  /** Ends a READY process the queue could not keep: it exits 'failed' with `error`. Ignored once it left READY. */
  fail(pid: number, error: LlmosError): void;
  /**
   * A shared process table's way in: makes this kernel's copy of a process
   * match a record from elsewhere (another node). An unknown pid is adopted
   * as a replica under its pid, in the record's state; a known one takes the
   * record's fields and moves to its state through the kernel's own
   * transitions (watchers and waiters hear it; the first exit recorded wins).
   * A copy that exited here changes only when the record exited too (its
   * exit replaces this one). Returns false, changing nothing, while this
   * kernel itself runs the process through run(): its copy is the source.
   */
  mirror(record: ProcSnapshot): boolean;
}

/** Builds a plugin's ready queue around the host the kernel gives it; called once, at registration. */
export type ReadyQueueFactory = (host: RunHost) => ReadyQueue;

/**
 * Where new pids come from (at most one per kernel; see PluginScope.pidSource),
 * e.g. cluster-unique pids leased from a shared counter. Called synchronously
 * for every new process. It must never return a pid twice; it may throw an
 * LlmosError (e.g. LLMOS_EUNAVAILABLE) to refuse the spawn, which then
 * fails with nothing accepted. Without one, pids come from a local counter.
 */
export type PidSource = () => number;
