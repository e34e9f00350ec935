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

/**
 * A binary min-heap of items ordered by (key, seq), with keys and seqs kept in
 * typed arrays beside the items: comparisons read contiguous memory instead of
 * chasing one object per comparison, which is what makes a heap of 10^6 fast.
 */
export class KeyedHeap<T> {
  private keys = new Float64Array(1024);
  private seqs = new Float64Array(1024);
  private items: T[] = [];
  private n = 0;

  get size(): number {
    return this.n;
  }

  peek(): T | undefined {
    return this.n ? this.items[0] : undefined;
  }

  push(key: number, seq: number, item: T): void {
    if (this.n === this.keys.length) this.grow();
    const { keys, seqs, items } = this;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (key > keys[p] || (key === keys[p] && seq > seqs[p])) break;
      keys[i] = keys[p];
      seqs[i] = seqs[p];
      items[i] = items[p];
      i = p;
    }
    keys[i] = key;
    seqs[i] = seq;
    items[i] = item;
  }

  pop(): T | undefined {
    if (!this.n) return undefined;
    const { keys, seqs, items } = this;
    const top = items[0];
    const last = --this.n;
    const key = keys[last];
    const seq = seqs[last];
    const item = items[last];
    items[last] = undefined as T; // let it be collected
    if (last > 0) this.siftDown(0, key, seq, item);
    return top;
  }

  /** Keeps only items for which `keep` is true, then restores heap order in O(n). */
  filter(keep: (x: T) => boolean): void {
    let m = 0;
    for (let i = 0; i < this.n; i++)
      if (keep(this.items[i])) {
        this.keys[m] = this.keys[i];
        this.seqs[m] = this.seqs[i];
        this.items[m++] = this.items[i];
      }
    this.items.length = m;
    this.n = m;
    for (let i = (m >> 1) - 1; i >= 0; i--) this.siftDown(i, this.keys[i], this.seqs[i], this.items[i]);
  }

  clear(): void {
    this.items = [];
    this.n = 0;
  }

  private siftDown(i: number, key: number, seq: number, item: T): void {
    const { keys, seqs, items } = this;
    const n = this.n;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && (keys[r] < keys[c] || (keys[r] === keys[c] && seqs[r] < seqs[c]))) c = r;
      if (key < keys[c] || (key === keys[c] && seq < seqs[c])) break;
      keys[i] = keys[c];
      seqs[i] = seqs[c];
      items[i] = items[c];
      i = c;
    }
    keys[i] = key;
    seqs[i] = seq;
    items[i] = item;
  }

  private grow(): void {
    const k = new Float64Array(this.keys.length * 2);
    k.set(this.keys);
    this.keys = k;
    const s = new Float64Array(this.seqs.length * 2);
    s.set(this.seqs);
    this.seqs = s;
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
  private readonly heap = new KeyedHeap<QueueEntry>();
  private readonly index = new Map<number, QueueEntry>();
  private nextSeq = 0;
  private dead = 0;

  /** Queues `proc` with `key`; `seq` keeps an earlier arrival position (reprioritize). */
  push(proc: Process, key: number, seq = this.nextSeq++): void {
    const e: QueueEntry = { proc, key, seq, live: true };
    this.index.set(proc.pid, e);
    this.heap.push(key, seq, e);
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
