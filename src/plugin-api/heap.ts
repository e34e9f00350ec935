import type { Process } from '../kernel/proc.js';

/**
 * A binary min-heap ordered by `less`. push and pop are O(log n), peek O(1).
 * Entries are kept in a plain array; the heap never copies them.
 */
export class Heap<T> {
  private readonly items: T[] = [];

  constructor(private readonly less: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(x: T): void {
    const a = this.items;
    let i = a.length;
    a.push(x);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(x, a[parent])) break;
      a[i] = a[parent];
      i = parent;
    }
    a[i] = x;
  }

  pop(): T | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    const n = a.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && this.less(a[r], a[l]) ? r : l;
        if (!this.less(a[c], last)) break;
        a[i] = a[c];
        i = c;
      }
      a[i] = last;
    }
    return top;
  }

  /** Every entry, in no particular order. */
  values(): readonly T[] {
    return this.items;
  }

  /** Keeps only entries for which `keep` is true, then restores heap order in O(n). */
  filter(keep: (x: T) => boolean): void {
    const kept = this.items.filter(keep);
    this.items.length = 0;
    for (const x of kept) this.items.push(x);
    for (let i = (kept.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  clear(): void {
    this.items.length = 0;
  }

  private siftDown(i: number): void {
    const a = this.items;
    const n = a.length;
    const x = a[i];
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.less(a[r], a[l]) ? r : l;
      if (!this.less(a[c], x)) break;
      a[i] = a[c];
      i = c;
    }
    a[i] = x;
  }
}

/** One queued process in a RunQueue. `seq` is its arrival order in this queue. */
export interface QueueEntry {
  proc: Process;
  key: number;
  seq: number;
  live: boolean;
}

/**
 * A run queue ordered by a numeric key (smaller runs first), ties broken by
 * arrival. enqueue and pick are O(log n); remove is O(1) (lazy: the entry is
 * marked dead and skipped, and dead entries are compacted away once they are
 * half the heap). Schedulers whose order is a static key per process build on it.
 */
export class RunQueue {
  private readonly heap = new Heap<QueueEntry>((a, b) => a.key < b.key || (a.key === b.key && a.seq < b.seq));
  private readonly index = new Map<number, QueueEntry>();
  private nextSeq = 0;
  private dead = 0;

  /** Queues `proc` with `key`; `seq` keeps an earlier arrival position (reprioritize). */
  push(proc: Process, key: number, seq = this.nextSeq++): void {
    const e: QueueEntry = { proc, key, seq, live: true };
    this.index.set(proc.pid, e);
    this.heap.push(e);
  }

  /** The entry that would be popped next, without removing it. */
  peek(): QueueEntry | undefined {
    this.skipDead();
    return this.heap.peek();
  }

  pop(): Process | undefined {
    this.skipDead();
    const e = this.heap.pop();
    if (!e) return undefined;
    this.index.delete(e.proc.pid);
    return e.proc;
  }

  get(pid: number): QueueEntry | undefined {
    return this.index.get(pid);
  }

  remove(pid: number): QueueEntry | undefined {
    const e = this.index.get(pid);
    if (!e) return undefined;
    e.live = false;
    this.index.delete(pid);
    if (++this.dead > 1024 && this.dead * 2 > this.heap.size) {
      this.heap.filter((x) => x.live);
      this.dead = 0;
    }
    return e;
  }

  /** Changes a queued process's key, keeping its arrival position for ties. */
  rekey(pid: number, key: number): boolean {
    const e = this.remove(pid);
    if (!e) return false;
    this.push(e.proc, key, e.seq);
    return true;
  }

  /** Empties the queue; returns the queued processes in arrival order. */
  drain(): Process[] {
    const live = [...this.index.values()].sort((a, b) => a.seq - b.seq).map((e) => e.proc);
    this.heap.clear();
    this.index.clear();
    this.dead = 0;
    return live;
  }

  get size(): number {
    return this.index.size;
  }

  /** Live entries in no particular order. */
  entries(): IterableIterator<QueueEntry> {
    return this.index.values();
  }

  private skipDead(): void {
    while (this.heap.size && !this.heap.peek()!.live) {
      this.heap.pop();
      this.dead--;
    }
  }
}

/** Queue length per priority class, for snapshot(). O(n); call from stats, not hot paths. */
export function queuedByClass(procs: Iterable<Process>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of procs) out[p.priority] = (out[p.priority] ?? 0) + 1;
  return out;
}
