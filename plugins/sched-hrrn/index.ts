import { definePlugin, JobSizePredictor, PredictorOptions, z, type Process, type Scheduler, queuedByClass } from '../../src/plugin-api/index.js';

export const HrrnOptions = PredictorOptions.extend({
  /** Size classes per doubling of predicted size; more is closer to exact HRRN, pick costs O(classes in use). */
  classes_per_octave: z.number().int().min(1).max(16).default(4),
  /**
   * β in the score waited / size^β. 1 is classic HRRN ((waited + size)/size
   * orders the same); smaller values weigh size less, moving toward FCFS and
   * shortening the wait of the longest jobs; 0 is FCFS.
   */
  size_exponent: z.number().min(0).max(2).default(1),
});
export type HrrnOptions = z.output<typeof HrrnOptions>;

interface Entry {
  proc: Process;
  /** proc.readyAt, copied so a pick reads one object per class. */
  readyAt: number;
  sizeMs: number;
  /** size^−β, computed once. */
  weight: number;
  seq: number;
  live: boolean;
}

/** One size class: a FIFO with a moving head; the oldest entry has the highest ratio in the class. */
class SizeClass {
  constructor(readonly id: number) {}
  items: Entry[] = [];
  head = 0;
  first(): Entry | undefined {
    while (this.head < this.items.length && !this.items[this.head].live) this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return this.items[this.head];
  }
}

/**
 * Highest response ratio next: runs the process with the largest
 * (waited + predicted size) / predicted size, so short jobs go first (as in
 * SJF) but a long job's ratio grows while it waits, which bounds its wait in
 * proportion to its size and keeps SJF's tail in check.
 *
 * Exact HRRN needs every ratio at every pick. Here processes are grouped in
 * geometric size classes (2^(1/classes_per_octave) wide, FIFO inside), and a
 * pick compares the oldest process of each class: enqueue is O(1), pick
 * O(classes in use), a few dozen even for sizes spanning 1000×.
 */
export class HrrnScheduler implements Scheduler {
  readonly name = 'hrrn';
  private readonly classes = new Map<number, SizeClass>();
  /** The same classes as a dense array: a pick scans it without allocating an iterator. */
  private active: SizeClass[] = [];
  private readonly index = new Map<number, Entry>();
  private seq = 0;

  constructor(
    private readonly predictor: JobSizePredictor,
    private readonly perOctave = 4,
    private readonly beta = 1,
  ) {}

  enqueue(p: Process): void {
    const seq = this.seq++;
    const sizeMs = Math.max(1e-3, this.predictor.predictMs(p.task));
    const e: Entry = { proc: p, readyAt: p.readyAt, sizeMs, weight: Math.pow(sizeMs, -this.beta), seq, live: true };
    const c = Math.floor(Math.log2(sizeMs) * this.perOctave);
    let cls = this.classes.get(c);
    if (!cls) {
      this.classes.set(c, (cls = new SizeClass(c)));
      this.active.push(cls);
    }
    cls.items.push(e);
    this.index.set(p.pid, e);
  }

  pickNext(_free: number, now: number): Process | undefined {
    let best: Entry | undefined;
    let bestRatio = -Infinity;
    let bestClass: SizeClass | undefined;
    const active = this.active;
    for (let i = 0; i < active.length; i++) {
      const cls = active[i];
      const e = cls.first();
      if (!e) {
        // Empty: swap-remove it and look at what moved into slot i.
        this.classes.delete(cls.id);
        active[i--] = active[active.length - 1];
        active.pop();
        continue;
      }
      const ratio = (now - e.readyAt) * e.weight;
      if (ratio > bestRatio || (ratio === bestRatio && (e.sizeMs < best!.sizeMs || (e.sizeMs === best!.sizeMs && e.seq < best!.seq)))) {
        best = e;
        bestRatio = ratio;
        bestClass = cls;
      }
    }
    if (!best) return undefined;
    best.live = false;
    bestClass!.head++;
    this.index.delete(best.proc.pid);
    return best.proc;
  }

  onExit(p: Process): void {
    this.predictor.learn(p);
  }

  /** Priority does not enter the ratio. */
  reprioritize(): void {}

  remove(pid: number): boolean {
    const e = this.index.get(pid);
    if (!e) return false;
    e.live = false;
    this.index.delete(pid);
    return true;
  }

  drain(): Process[] {
    const out = [...this.index.values()].sort((a, b) => a.seq - b.seq).map((e) => e.proc);
    this.classes.clear();
    this.active = [];
    this.index.clear();
    return out;
  }

  size(): number {
    return this.index.size;
  }

  snapshot(): Record<string, unknown> {
    return {
      policy: this.name,
      queued: this.index.size,
      by_class: queuedByClass([...this.index.values()].map((e) => e.proc)),
      size_classes_in_use: this.classes.size,
      estimates: this.predictor.snapshot(),
    };
  }
}

export default definePlugin({
  name: 'sched-hrrn',
  version: '1.0.0',
  apiVersion: '^1.0.0',
  description: 'Highest response ratio next: SJF-like means with a bounded tail for long jobs.',
  provides: ['scheduler'],
  options: HrrnOptions,
  register(scope, opts) {
    const predictor = new JobSizePredictor(opts);
    const make = () => new HrrnScheduler(predictor, opts.classes_per_octave, opts.size_exponent);
    scope.scheduler('hrrn', make);
  },
});
