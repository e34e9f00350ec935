import { definePlugin, z, type Process, type Scheduler, RunQueue, queuedByClass } from '../../src/plugin-api/index.js';

export const PriorityOptions = z.object({
  /**
   * Aging rate in priority classes per second waited: a class-9 process that
   * waited 9/aging_per_s seconds goes ahead of a class-0 process that just
   * arrived, so no process waits forever. 0 turns aging off (strict classes).
   */
  aging_per_s: z.number().min(0).default(0.1),
  /**
   * Preemption: when a process arrives and every slot is busy, a running
   * process of a strictly less urgent class may be cancelled and requeued
   * (see preemptFor). Off by default: the cancelled call's work is lost.
   */
  preempt: z.boolean().default(false),
});
export type PriorityOptions = z.output<typeof PriorityOptions>;

/**
 * Priority classes (0 most urgent … 9) with linear aging. The effective class
 * priority − aging × waited orders the same as priority + aging × readyAt,
 * which never changes while queued, so a heap gives O(log n) enqueue and pick.
 * Ties run in arrival order.
 */
export class PriorityScheduler implements Scheduler {
  readonly name = 'priority';
  private readonly q = new RunQueue();
  /** Processes handed out by pickNext and not yet exited, for preemption. */
  private readonly running = new Map<number, Process>();
  private readonly agingPerMs: number;

  constructor(private readonly opts: PriorityOptions = PriorityOptions.parse({})) {
    this.agingPerMs = opts.aging_per_s / 1000;
  }

  private key(p: Process): number {
    return p.priority + this.agingPerMs * p.readyAt;
  }

  enqueue(p: Process): void {
    this.q.push(p, this.key(p));
  }

  pickNext(): Process | undefined {
    const p = this.q.pop();
    if (p && this.opts.preempt) this.running.set(p.pid, p);
    return p;
  }

  onExit(p: Process): void {
    this.running.delete(p.pid);
  }

  reprioritize(pid: number): void {
    const e = this.q.get(pid);
    if (e) this.q.rekey(pid, this.key(e.proc));
  }

  remove(pid: number): boolean {
    return this.q.remove(pid) !== undefined;
  }

  drain(): Process[] {
    return this.q.drain();
  }

  size(): number {
    return this.q.size;
  }

  /**
   * With preemption on, and no slot free, the running process to cancel and
   * requeue so that `incoming` can run: the least urgent running one, and only
   * if its class is strictly less urgent than incoming's. Undefined otherwise.
   * The caller cancels it, makes it READY again and calls enqueue(); that
   * process then leaves the running set here through onExit or pickNext.
   */
  preemptFor(incoming: Process): Process | undefined {
    if (!this.opts.preempt) return undefined;
    let victim: Process | undefined;
    for (const p of this.running.values()) if (!victim || p.priority > victim.priority || (p.priority === victim.priority && (p.started ?? 0) > (victim.started ?? 0))) victim = p;
    if (!victim || victim.priority <= incoming.priority) return undefined;
    this.running.delete(victim.pid);
    return victim;
  }

  snapshot(): Record<string, unknown> {
    return {
      policy: this.name,
      queued: this.q.size,
      by_class: queuedByClass([...this.q.entries()].map((e) => e.proc)),
      aging_per_s: this.opts.aging_per_s,
      preempt: this.opts.preempt,
    };
  }
}

export default definePlugin({
  name: 'sched-priority',
  version: '1.0.0',
  description: 'Priority classes 0..9 with aging; optional preemption of less urgent running processes.',
  provides: ['scheduler'],
  options: PriorityOptions,
  register(scope, opts) {
    const make = () => new PriorityScheduler(opts);
    scope.scheduler('priority', make);
    scope.provide(Symbol.for('llmos.scheduler:priority'), make);
  },
});
