import { definePlugin, type Process, type Scheduler, queuedByClass } from '../../src/plugin-api/index.js';

/** First come, first served: a FIFO with lazy deletion; every operation is O(1) amortized. */
export class FcfsScheduler implements Scheduler {
  readonly name = 'fcfs';
  readonly bypassWhenIdle = true;
  private queue: Array<Process | undefined> = [];
  private head = 0;
  /** Entries dropped from the front of `queue` so far: absolute position = base + array index. */
  private base = 0;
  /** pid → absolute position, which compaction does not change. */
  private readonly index = new Map<number, number>();

  enqueue(p: Process): void {
    this.index.set(p.pid, this.base + this.queue.length);
    this.queue.push(p);
  }

  pickNext(): Process | undefined {
    while (this.head < this.queue.length) {
      const p = this.queue[this.head++];
      if (!p) continue;
      this.index.delete(p.pid);
      this.compact();
      return p;
    }
    return undefined;
  }

  onExit(): void {}
  reprioritize(): void {}

  remove(pid: number): boolean {
    const i = this.index.get(pid);
    if (i === undefined) return false;
    this.queue[i - this.base] = undefined;
    this.index.delete(pid);
    return true;
  }

  drain(): Process[] {
    const out = this.queue.slice(this.head).filter((p): p is Process => p !== undefined);
    this.base += this.queue.length;
    this.queue = [];
    this.head = 0;
    this.index.clear();
    return out;
  }

  size(): number {
    return this.index.size;
  }

  snapshot(): Record<string, unknown> {
    return { policy: this.name, queued: this.size(), by_class: queuedByClass(this.queue.slice(this.head).filter((p): p is Process => p !== undefined)) };
  }

  /** Drops the consumed prefix once it is most of the array. */
  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.base += this.head;
      this.head = 0;
    }
  }
}

export default definePlugin({
  name: 'sched-fcfs',
  version: '1.0.0',
  apiVersion: '^1.0.0',
  description: 'First come, first served.',
  provides: ['scheduler'],
  register(scope) {
    const make = () => new FcfsScheduler();
    scope.scheduler('fcfs', make);
  },
});
