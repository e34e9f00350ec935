import type { ProcView } from './process.js';

/**
 * Decides WHICH ready process runs next. Exactly one scheduler is active.
 * The kernel owns the processes; the scheduler only orders them.
 */
export interface Scheduler {
  readonly name: string;
  /** A process became READY. Must be O(log n). */
  enqueue(proc: ProcView): void;
  /**
   * Called while model slots are free. Returns the next process to run and
   * removes it from the queue, or undefined when nothing should run now.
   * Must be O(log n).
   */
  pickNext(freeSlots: number, now: number): ProcView | undefined;
  /** A process this scheduler returned from pickNext has exited; learn from it. */
  onExit(proc: ProcView): void;
  /** The process's priority changed (proc_nice) while queued. */
  reprioritize(pid: number): void;
  /** Takes a queued process out (proc_kill). Returns false when it is not queued here. */
  remove(pid: number): boolean;
  /** Empties the queue and returns every queued process in arrival order (sched_set). */
  drain(): ProcView[];
  size(): number;
  /**
   * Optional preemption. Called when `incoming` was queued and no slot is
   * free: returns a running process whose call the kernel should cancel and
   * queue again, or undefined. The victim comes back through enqueue().
   */
  preemptFor?(incoming: ProcView): ProcView | undefined;
  /** Queue state for sched_stats and sched_get. */
  snapshot(): Record<string, unknown>;
  /**
   * Declares that, with nothing queued and a slot free, pickNext would return
   * the process just enqueued, and that enqueue and pickNext keep no other
   * state. The kernel then runs such an arrival at once without queueing it
   * here (onExit still follows). Leave unset when enqueue learns or records.
   */
  readonly bypassWhenIdle?: boolean;
}

export type SchedulerFactory = () => Scheduler;
