import { describe, expect, it } from 'vitest';
import { Heap, RunQueue } from '../../../src/plugin-api/heap.js';
import { Process } from '../../../src/kernel/proc.js';
import { TaskSchema } from '../../../src/core/task.js';
import { Rng } from '../../../src/plugin-api/rng.js';

const task = TaskSchema.parse({ prompt: 'x' });
const proc = (pid: number) => new Process(pid, 0, 'o', task);

describe('Heap', () => {
  it('pops in order whatever the push order', () => {
    const rng = new Rng(3);
    const h = new Heap<number>((a, b) => a < b);
    const xs = Array.from({ length: 5000 }, () => rng.next());
    xs.forEach((x) => h.push(x));
    const out: number[] = [];
    while (h.size) out.push(h.pop()!);
    expect(out).toEqual([...xs].sort((a, b) => a - b));
  });

  it('costs O(log n) comparisons per push+pop: 100× more entries cost far less than 100× more', () => {
    const cost = (n: number) => {
      let cmp = 0;
      const rng = new Rng(5);
      const h = new Heap<number>((a, b) => (cmp++, a < b));
      for (let i = 0; i < n; i++) h.push(rng.next());
      cmp = 0;
      for (let i = 0; i < 10_000; i++) {
        h.push(rng.next());
        h.pop();
      }
      return cmp / 10_000;
    };
    const small = cost(1_000);
    const large = cost(100_000);
    // log2(1e5)/log2(1e3) ≈ 1.67; linear growth would be 100.
    expect(large / small).toBeLessThan(2.2);
  });
});

describe('RunQueue', () => {
  it('orders by key, breaks ties by arrival, removes and drains in arrival order', () => {
    const q = new RunQueue();
    const ps = [1, 2, 3, 4, 5].map(proc);
    [5, 1, 5, 0, 1].forEach((k, i) => q.push(ps[i], k));
    expect(q.remove(4)).toBeDefined();
    expect(q.remove(4)).toBeUndefined();
    expect(q.size).toBe(4);
    expect(q.pop()!.pid).toBe(2);
    expect(q.rekey(5, 9)).toBe(true);
    expect(q.drain().map((p) => p.pid)).toEqual([1, 3, 5]);
    expect(q.size).toBe(0);
    expect(q.pop()).toBeUndefined();
  });

  it('stays correct through heavy removal', () => {
    const q = new RunQueue();
    for (let i = 1; i <= 10_000; i++) q.push(proc(i), 10_000 - i);
    for (let i = 1; i <= 10_000; i += 2) q.remove(i);
    const out: number[] = [];
    for (let p = q.pop(); p; p = q.pop()) out.push(p.pid);
    expect(out.length).toBe(5000);
    expect(out[0]).toBe(10_000);
    expect(out.every((pid) => pid % 2 === 0)).toBe(true);
  });

  it('matches a sorted reference through random push, pop, remove and rekey', () => {
    const rng = new Rng(17);
    const q = new RunQueue();
    const ref = new Map<number, { key: number; seq: number }>();
    let seq = 0;
    let pid = 0;
    for (let step = 0; step < 20_000; step++) {
      const r = rng.next();
      if (r < 0.45) {
        const key = Math.floor(rng.next() * 50); // many ties: arrival order must break them
        q.push(proc(++pid), key);
        ref.set(pid, { key, seq: seq++ });
      } else if (r < 0.75) {
        const best = [...ref].sort((a, b) => a[1].key - b[1].key || a[1].seq - b[1].seq)[0];
        expect(q.pop()?.pid).toBe(best?.[0]);
        if (best) ref.delete(best[0]);
      } else if (r < 0.9) {
        const victim = 1 + Math.floor(rng.next() * pid);
        expect(q.delete(victim)).toBe(ref.delete(victim));
      } else {
        const target = 1 + Math.floor(rng.next() * pid);
        const key = Math.floor(rng.next() * 50);
        expect(q.rekey(target, key)).toBe(ref.has(target));
        if (ref.has(target)) ref.get(target)!.key = key;
      }
      expect(q.size).toBe(ref.size);
    }
    expect(q.drain().map((p) => p.pid)).toEqual([...ref].sort((a, b) => a[1].seq - b[1].seq).map(([p]) => p));
  });
});
