import { definePlugin, JobSizePredictor, PredictorOptions, z, type Process, type Scheduler, RunQueue, queuedByClass } from '../../src/plugin-api/index.js';

export const SjfOptions = PredictorOptions.extend({
  /**
   * Linear aging: each ms a process waits takes `aging` ms off its predicted
   * size. 0 is plain SJF. The key (size - aging × waited) orders the same as
   * (size + aging × readyAt), which never changes, so the heap stays valid.
   */
  aging: z.number().min(0).default(0),
  /**
   * Starvation guard, absolute part (ms). A process whose wait exceeds its
   * guard (max_wait_ms + max_wait_means × mean job size) is overdue, and
   * overdue processes run before the rest. With both at 0 the guard is off.
   */
  max_wait_ms: z.number().min(0).default(0),
  /**
   * Starvation guard in units of the mean job size (the long-run mean run time
   * learned from finished processes), so one setting fits workloads of any
   * scale. Until something has finished, a process's own predicted size is
   * the unit.
   */
  max_wait_means: z.number().min(0).default(0),
  /** Which overdue process runs first: the smallest predicted ("size", cheapest for everyone behind it) or the earliest deadline. */
  overdue_order: z.enum(['size', 'deadline']).default('size'),
  /**
   * An overdue process still lets a queued process go first when that one is
   * predicted shorter than this fraction of the overdue one's size: the delay
   * to the long job is small, the saving to the short one large. Must stay
   * well below 1 (jobs that small carry a fraction of the load, so the overdue
   * one still runs within a short busy period). 0 = overdue goes first always.
   */
  overdue_yield_ratio: z.number().min(0).max(0.5).default(0),
});
export type SjfOptions = z.output<typeof SjfOptions>;

type Guard = Pick<SjfOptions, 'max_wait_ms' | 'max_wait_means' | 'overdue_order' | 'overdue_yield_ratio'>;
const GUARD_OFF: Guard = { max_wait_ms: 0, max_wait_means: 0, overdue_order: 'size', overdue_yield_ratio: 0 };

/**
 * Shortest predicted job first, with an optional starvation guard: SJF order
 * until a process outwaits its guard, then overdue processes first (smallest
 * or oldest deadline first), except that much shorter jobs may still pass.
 * O(log n) enqueue and pick.
 */
export class SjfScheduler implements Scheduler {
  readonly name: string;
  readonly bypassWhenIdle = true;
  /** Every queued process by key (predicted size, aged). */
  private readonly q = new RunQueue();
  /** With the guard on: not yet overdue processes by deadline (ms). */
  private readonly byDeadline?: RunQueue;
  /** With the guard on: overdue processes by predicted size or deadline. */
  private readonly overdue = new RunQueue();
  private readonly guard: Guard;

  constructor(
    private readonly predictor: JobSizePredictor,
    private readonly aging = 0,
    guard: Partial<Guard> = {},
    name = 'sjf',
  ) {
    this.name = name;
    this.guard = { ...GUARD_OFF, ...guard };
    if (this.guard.max_wait_ms > 0 || this.guard.max_wait_means > 0) this.byDeadline = new RunQueue();
  }

  enqueue(p: Process): void {
    const size = this.predictor.predictMs(p.task);
    this.q.push(p, size + this.aging * p.readyAt);
    if (this.byDeadline) {
      const unit = this.guard.max_wait_means > 0 ? (this.predictor.meanRunMs() ?? size) : 0;
      this.byDeadline.push(p, p.readyAt + this.guard.max_wait_ms + this.guard.max_wait_means * unit);
    }
  }

  pickNext(_free: number, now: number): Process | undefined {
    if (!this.byDeadline) return this.q.pop();
    // Processes whose deadline passed move to the overdue queue.
    for (let d = this.byDeadline.peekKey(); d < now; d = this.byDeadline.peekKey()) {
      const p = this.byDeadline.peekProc()!;
      this.byDeadline.delete(p.pid);
      this.overdue.push(p, this.guard.overdue_order === 'size' ? this.sizeOf(p) : d);
    }
    const o = this.overdue.peekProc();
    if (o) {
      const shortest = this.q.peekProc()!;
      if (shortest === o || !(this.sizeOf(shortest) < this.guard.overdue_yield_ratio * this.sizeOf(o))) {
        this.overdue.delete(o.pid);
        this.q.delete(o.pid);
        return o;
      }
    }
    const p = this.q.pop();
    if (p && !this.byDeadline.delete(p.pid)) this.overdue.delete(p.pid);
    return p;
  }

  /** The predicted size the queue holds for a queued process (its key without aging). */
  private sizeOf(p: Process): number {
    return this.q.keyOf(p.pid)! - this.aging * p.readyAt;
  }

  onExit(p: Process): void {
    this.predictor.learn(p);
  }

  /**
   * Priority does not change SJF order; the size estimate may have been
   * refreshed though, and an overdue queue ordered by size follows it.
   */
  reprioritize(pid: number): void {
    const e = this.q.get(pid);
    if (!e) return;
    this.q.rekey(pid, this.predictor.predictMs(e.proc.task) + this.aging * e.proc.readyAt);
    if (this.guard.overdue_order === 'size' && this.overdue.get(pid)) this.overdue.rekey(pid, this.sizeOf(e.proc));
  }

  remove(pid: number): boolean {
    this.byDeadline?.delete(pid);
    this.overdue.delete(pid);
    return this.q.delete(pid);
  }

  drain(): Process[] {
    this.byDeadline?.drain();
    this.overdue.drain();
    return this.q.drain();
  }

  size(): number {
    return this.q.size;
  }

  snapshot(): Record<string, unknown> {
    const head = this.q.peekProc();
    return {
      policy: this.name,
      queued: this.q.size,
      by_class: queuedByClass([...this.q.entries()].map((e) => e.proc)),
      aging: this.aging,
      ...this.guard,
      overdue: this.overdue.size,
      mean_run_ms: this.predictor.meanRunMs() ?? null,
      next_predicted_ms: head ? Math.round(this.predictor.predictMs(head.task)) : null,
      estimates: this.predictor.snapshot(),
    };
  }
}

export default definePlugin({
  name: 'sched-sjf',
  version: '1.1.0',
  apiVersion: '^1.0.0',
  description: 'Shortest predicted job first with an optional starvation guard; job sizes learned online per model and task type.',
  provides: ['scheduler'],
  options: SjfOptions,
  register(scope, opts) {
    // One predictor per plugin, so what it learned survives sched_set switching away and back.
    const predictor = new JobSizePredictor(opts);
    const { max_wait_ms, max_wait_means, overdue_order, overdue_yield_ratio } = opts;
    const make = () => new SjfScheduler(predictor, opts.aging, { max_wait_ms, max_wait_means, overdue_order, overdue_yield_ratio });
    scope.scheduler('sjf', make);
  },
});
