import { RunQueue, type Process, type Scheduler } from '../../src/plugin-api/index.js';
import type { PriorityOptions } from './options.js';

/** Priority classes 0 (most urgent) … 9. */
export const CLASSES = 10;

/**
 * Priority classes with bounded aging, one queue per class.
 *
 * Within a class, processes run in readyAt order (ties: enqueue order), so
 * only the head of each class can be next. At pick time each non-empty
 * class's head gets the effective priority
 *
 *   class − min(max_boost, aging_per_s × aged_s)
 *
 * and the smallest wins (ties: the head that has been aging longer, then the
 * more urgent class). aged_s counts from the head's readyAt
 * (aging_since = 'arrival'), or from the later of its readyAt and the last
 * time its class was picked (aging_since = 'class_last_run'): how long the
 * class has been passed over, so a class that keeps being served by its own
 * backlog never accumulates a boost over more urgent classes.
 *
 * Costs: enqueue, remove and pick O(log n) within one class queue plus O(10)
 * to look at the heads; reprioritize and remove look up the pid in the ten
 * queues (O(10) hash lookups).
 */
export class PriorityScheduler implements Scheduler {
  readonly name = 'priority';
  private readonly queues = Array.from({ length: CLASSES }, () => new RunQueue());
  /** By class: virtual/real ms of the last pick from that class (class_last_run). */
  private readonly lastRun = new Float64Array(CLASSES).fill(-Infinity);
  /** Processes handed out by pickNext and not yet exited, for preemption. */
  private readonly running = new Map<number, Process>();
  private readonly agingPerMs: number;
  private readonly sinceLastRun: boolean;
  private readonly maxBoost: number;
  /** Enqueue order across all classes: tie-break within a class and drain() order. */
  private seq = 0;

  constructor(private readonly opts: PriorityOptions) {
    this.agingPerMs = opts.aging_per_s / 1000;
    this.sinceLastRun = opts.aging_since === 'class_last_run';
    this.maxBoost = opts.max_boost ?? Infinity;
  }

  private static classOf(p: Process): number {
    const k = Math.trunc(p.priority);
    return k < 0 ? 0 : k >= CLASSES ? CLASSES - 1 : k;
  }

  /** A pid already queued in the same class is replaced; to change class, use reprioritize. */
  enqueue(p: Process): void {
    this.queues[PriorityScheduler.classOf(p)].push(p, p.readyAt, this.seq++);
  }

  pickNext(_freeSlots: number, now: number): Process | undefined {
    let best = -1;
    let bestEff = Infinity;
    let bestSince = Infinity;
    for (let k = 0; k < CLASSES; k++) {
      const head = this.queues[k].peekProc();
      if (!head) continue;
      const since = this.sinceLastRun && this.lastRun[k] > head.readyAt ? this.lastRun[k] : head.readyAt;
      const aged = now > since ? this.agingPerMs * (now - since) : 0;
      const eff = k - (aged < this.maxBoost ? aged : this.maxBoost);
      if (eff < bestEff || (eff === bestEff && since < bestSince)) (best = k), (bestEff = eff), (bestSince = since);
    }
    if (best < 0) return undefined;
    const p = this.queues[best].pop()!;
    this.lastRun[best] = now;
    if (this.opts.preempt) this.running.set(p.pid, p);
    return p;
  }

  onExit(p: Process): void {
    this.running.delete(p.pid);
  }

  /** proc_nice: moves the process to its new class, keeping its readyAt and enqueue order. */
  reprioritize(pid: number): void {
    for (const q of this.queues) {
      const e = q.remove(pid);
      if (!e) continue;
      this.queues[PriorityScheduler.classOf(e.proc)].push(e.proc, e.key, e.seq);
      return;
    }
  }

  remove(pid: number): boolean {
    for (const q of this.queues) if (q.delete(pid)) return true;
    return false;
  }

  drain(): Process[] {
    const all: { proc: Process; seq: number }[] = [];
    for (const q of this.queues) for (const e of q.entries()) all.push(e);
    for (const q of this.queues) q.drain();
    return all.sort((a, b) => a.seq - b.seq).map((e) => e.proc);
  }

  size(): number {
    let n = 0;
    for (const q of this.queues) n += q.size;
    return n;
  }

  /**
   * With preemption on, and no slot free, the running process to cancel and
   * requeue so that `incoming` can run: the least urgent running one (latest
   * started among equals), and only if its class is strictly less urgent than
   * incoming's. Undefined otherwise. The caller cancels it, makes it READY
   * again and calls enqueue(); it leaves the running set here now.
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
    const byClass: Record<string, number> = {};
    this.queues.forEach((q, k) => q.size && (byClass[k] = q.size));
    return {
      policy: this.name,
      queued: this.size(),
      by_class: byClass,
      aging_per_s: this.opts.aging_per_s,
      max_boost: this.opts.max_boost ?? null,
      aging_since: this.opts.aging_since,
      preempt: this.opts.preempt,
    };
  }
}
