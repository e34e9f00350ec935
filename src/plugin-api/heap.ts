import type { ProcView } from '../core/process.js';

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
    if (a.length > 0) {
      a[0] = last;
      this.siftDown(0);
    }
    return top;
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

/** One queued process in a RunQueue, as get(), peek() and entries() report it. `seq` is its arrival order in this queue. */
export interface QueueEntry {
  proc: ProcView;
  key: number;
  seq: number;
  live: boolean;
}

/**
 * A run queue ordered by a numeric key (smaller runs first), ties broken by
 * arrival. push, pop and remove are O(log n); peek, get and size O(1).
 * Schedulers whose order is a static key per process build on it.
 *
 * Layout, for speed at 10^5–10^6 queued: each queued process holds a slot
 * (recycled through a free list); the heap is two typed arrays of (key, slot),
 * so comparisons read contiguous keys, and a slot's heap position is kept in
 * a typed array, so remove is a real O(log n) deletion rather than a
 * tombstone. The only per-process allocation is the pid → slot map entry.
 */
export class RunQueue {
  /** Heap order: key and slot of the i-th heap node. */
  private hKey = new Float64Array(1024);
  private hSlot = new Int32Array(1024);
  /** By slot: arrival seq, heap position, process. */
  private sSeq = new Float64Array(1024);
  private sPos = new Int32Array(1024);
  private sProc: (ProcView | undefined)[] = [];
  private free = new Int32Array(1024);
  private nFree = 0;
  private nSlots = 0;
  private n = 0;
  private readonly index = new Map<number, number>();
  private nextSeq = 0;

  /** Queues `proc` with `key`; `seq` keeps an earlier arrival position (reprioritize). A pid already queued is replaced. */
  push(proc: ProcView, key: number, seq = this.nextSeq++): void {
    if (this.index.has(proc.pid)) this.remove(proc.pid);
    let slot: number;
    if (this.nFree > 0) slot = this.free[--this.nFree];
    else {
      slot = this.nSlots++;
      if (slot === this.sSeq.length) this.growSlots();
    }
    if (this.n === this.hKey.length) this.growHeap();
    this.sSeq[slot] = seq;
    this.sProc[slot] = proc;
    this.index.set(proc.pid, slot);
    this.up(this.n++, key, slot);
  }

  /** The entry that would be popped next, without removing it. */
  peek(): QueueEntry | undefined {
    return this.n ? this.entry(this.hSlot[0], this.hKey[0]) : undefined;
  }

  /** The key of the entry that would be popped next (NaN when empty); allocates nothing. */
  peekKey(): number {
    return this.n ? this.hKey[0] : NaN;
  }

  /** The process that would be popped next; allocates nothing. */
  peekProc(): ProcView | undefined {
    return this.n ? this.sProc[this.hSlot[0]] : undefined;
  }

  pop(): ProcView | undefined {
    if (!this.n) return undefined;
    const slot = this.hSlot[0];
    const p = this.sProc[slot]!;
    this.removeAt(0);
    this.release(slot, p.pid);
    return p;
  }

  get(pid: number): QueueEntry | undefined {
    const slot = this.index.get(pid);
    return slot === undefined ? undefined : this.entry(slot, this.hKey[this.sPos[slot]]);
  }

  /** A queued process's key, or undefined; allocates nothing. */
  keyOf(pid: number): number | undefined {
    const slot = this.index.get(pid);
    return slot === undefined ? undefined : this.hKey[this.sPos[slot]];
  }

  has(pid: number): boolean {
    return this.index.has(pid);
  }

  remove(pid: number): QueueEntry | undefined {
    const slot = this.index.get(pid);
    if (slot === undefined) return undefined;
    const pos = this.sPos[slot];
    const e = this.entry(slot, this.hKey[pos]);
    e.live = false;
    this.removeAt(pos);
    this.release(slot, pid);
    return e;
  }

  /** Removes a queued process; returns whether it was queued. Allocates nothing. */
  delete(pid: number): boolean {
    const slot = this.index.get(pid);
    if (slot === undefined) return false;
    this.removeAt(this.sPos[slot]);
    this.release(slot, pid);
    return true;
  }

  /** Changes a queued process's key, keeping its arrival position for ties. */
  rekey(pid: number, key: number): boolean {
    const slot = this.index.get(pid);
    if (slot === undefined) return false;
    const pos = this.sPos[slot];
    const old = this.hKey[pos];
    if (key < old) this.up(pos, key, slot);
    else this.down(pos, key, slot);
    return true;
  }

  /** Empties the queue; returns the queued processes in arrival order. */
  drain(): ProcView[] {
    const live = [...this.index.values()].sort((a, b) => this.sSeq[a] - this.sSeq[b]).map((slot) => this.sProc[slot]!);
    this.index.clear();
    this.sProc = [];
    this.n = this.nSlots = this.nFree = 0;
    return live;
  }

  get size(): number {
    return this.n;
  }

  /** Live entries in no particular order. O(n): for snapshots, not hot paths. */
  *entries(): IterableIterator<QueueEntry> {
    for (const slot of this.index.values()) yield this.entry(slot, this.hKey[this.sPos[slot]]);
  }

  private entry(slot: number, key: number): QueueEntry {
    return { proc: this.sProc[slot]!, key, seq: this.sSeq[slot], live: true };
  }

  private release(slot: number, pid: number): void {
    this.index.delete(pid);
    this.sProc[slot] = undefined; // let it be collected
    this.free[this.nFree++] = slot;
  }

  /** Removes heap node `pos`: the last node fills the hole and moves up or down. */
  private removeAt(pos: number): void {
    const last = --this.n;
    if (pos === last) return;
    const key = this.hKey[last];
    const slot = this.hSlot[last];
    if (pos > 0 && this.before(key, slot, this.hKey[(pos - 1) >> 1], this.hSlot[(pos - 1) >> 1])) this.up(pos, key, slot);
    else this.down(pos, key, slot);
  }

  /** (key, seq of slot) orders before (k2, seq of s2). */
  private before(key: number, slot: number, k2: number, s2: number): boolean {
    return key < k2 || (key === k2 && this.sSeq[slot] < this.sSeq[s2]);
  }

  private up(i: number, key: number, slot: number): void {
    const { hKey, hSlot, sPos } = this;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pk = hKey[p];
      if (key > pk || (key === pk && !this.before(key, slot, pk, hSlot[p]))) break;
      hKey[i] = pk;
      sPos[(hSlot[i] = hSlot[p])] = i;
      i = p;
    }
    hKey[i] = key;
    hSlot[i] = slot;
    sPos[slot] = i;
  }

  private down(i: number, key: number, slot: number): void {
    const { hKey, hSlot, sPos } = this;
    const n = this.n;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      let ck = hKey[c];
      const r = c + 1;
      if (r < n) {
        const rk = hKey[r];
        if (rk < ck || (rk === ck && this.sSeq[hSlot[r]] < this.sSeq[hSlot[c]])) (c = r), (ck = rk);
      }
      if (key < ck || (key === ck && this.before(key, slot, ck, hSlot[c]))) break;
      hKey[i] = ck;
      sPos[(hSlot[i] = hSlot[c])] = i;
      i = c;
    }
    hKey[i] = key;
    hSlot[i] = slot;
    sPos[slot] = i;
  }

  private growHeap(): void {
    this.hKey = doubled(this.hKey);
    this.hSlot = doubled(this.hSlot);
  }

  private growSlots(): void {
    this.sSeq = doubled(this.sSeq);
    this.sPos = doubled(this.sPos);
    this.free = doubled(this.free);
  }
}

/** A typed array of twice the length, holding a copy of `a` at its start. */
function doubled<A extends Float64Array | Int32Array>(a: A): A {
  const b = new (a.constructor as new (n: number) => A)(a.length * 2);
  b.set(a);
  return b;
}

/** Queue length per priority class, for snapshot(). O(n); call from stats, not hot paths. */
export function queuedByClass(procs: Iterable<ProcView>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of procs) out[p.priority] = (out[p.priority] ?? 0) + 1;
  return out;
}
