import { definePlugin, z, type Process, type Scheduler, RunQueue, queuedByClass } from '../../src/plugin-api/index.js';
import { JobSizePredictor, PredictorOptions } from './predictor.js';

export const SjfOptions = PredictorOptions.extend({
  /**
   * Linear aging: each ms a process waits takes `aging` ms off its predicted
   * size. 0 is plain SJF. The key (size - aging × waited) orders the same as
   * (size + aging × readyAt), which never changes, so the heap stays valid.
   */
  aging: z.number().min(0).default(0),
  /**
   * Starvation guard: a process that has waited longer than this (ms) runs
   * before any shorter job, oldest first. 0 turns it off. It caps the wait of
   * long jobs near this value while short jobs still skip ahead below it.
   */
  max_wait_ms: z.number().min(0).default(0),
});
export type SjfOptions = z.output<typeof SjfOptions>;

/** Shortest predicted job first. O(log n) enqueue and pick. */
export class SjfScheduler implements Scheduler {
  readonly name: string;
  private readonly q = new RunQueue();
  /** The same processes by arrival, kept only with the starvation guard on. */
  private readonly byAge?: RunQueue;

  constructor(
    private readonly predictor: JobSizePredictor,
    private readonly aging = 0,
    private readonly maxWaitMs = 0,
    name = 'sjf',
  ) {
    this.name = name;
    if (maxWaitMs > 0) this.byAge = new RunQueue();
  }

  private key(p: Process): number {
    return this.predictor.predictMs(p.task) + this.aging * p.readyAt;
  }

  enqueue(p: Process): void {
    this.q.push(p, this.key(p));
    this.byAge?.push(p, p.readyAt);
  }

  pickNext(_free: number, now: number): Process | undefined {
    if (!this.byAge) return this.q.pop();
    const oldest = this.byAge.peek();
    if (oldest && now - oldest.proc.readyAt > this.maxWaitMs) {
      this.q.remove(oldest.proc.pid);
      return this.byAge.pop();
    }
    const p = this.q.pop();
    if (p) this.byAge.remove(p.pid);
    return p;
  }

  onExit(p: Process): void {
    this.predictor.learn(p);
  }

  /** Priority does not change SJF order; the size estimate may have been refreshed though. */
  reprioritize(pid: number): void {
    const e = this.q.get(pid);
    if (e) this.q.rekey(pid, this.key(e.proc));
  }

  remove(pid: number): boolean {
    this.byAge?.remove(pid);
    return this.q.remove(pid) !== undefined;
  }

  drain(): Process[] {
    this.byAge?.drain();
    return this.q.drain();
  }

  size(): number {
    return this.q.size;
  }

  snapshot(): Record<string, unknown> {
    const head = this.q.peek();
    return {
      policy: this.name,
      queued: this.q.size,
      by_class: queuedByClass([...this.q.entries()].map((e) => e.proc)),
      aging: this.aging,
      max_wait_ms: this.maxWaitMs,
      next_predicted_ms: head ? Math.round(this.predictor.predictMs(head.proc.task)) : null,
      estimates: this.predictor.snapshot(),
    };
  }
}

export default definePlugin({
  name: 'sched-sjf',
  version: '1.0.0',
  description: 'Shortest predicted job first; job sizes learned online per model and task type.',
  provides: ['scheduler'],
  options: SjfOptions,
  register(scope, opts) {
    // One predictor per plugin, so what it learned survives sched_set switching away and back.
    const predictor = new JobSizePredictor(opts);
    const make = () => new SjfScheduler(predictor, opts.aging, opts.max_wait_ms);
    scope.scheduler('sjf', make);
    scope.provide(Symbol.for('llmos.scheduler:sjf'), make);
  },
});
