import { describe, expect, it } from 'vitest';
import { ProcessTable } from '../../../src/kernel/proc.js';
import { TaskSchema } from '../../../src/core/task.js';
import { LlmosError } from '../../../src/core/errors.js';

const task = TaskSchema.parse({ prompt: 'x' });

describe('process table', () => {
  it('hands out monotonic pids that are never reused, even after reaping', () => {
    const t = new ProcessTable(3);
    const pids: number[] = [];
    for (let i = 0; i < 10; i++) {
      const p = t.alloc(task, 'o');
      pids.push(p.pid);
      t.exit(p, 'ok', { result: { text: 'r', finish_reason: 'stop' } });
    }
    expect(pids).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(t.get(1)).toBeUndefined();
    expect(t.alloc(task, 'o').pid).toBe(11);
  });

  it('keeps memory bounded: only maxFinished exited processes survive', () => {
    const t = new ProcessTable(100);
    for (let i = 0; i < 50_000; i++) t.exit(t.alloc(task, 'o'), 'ok');
    expect(t.size).toBe(100);
    expect(t.get(50_000)?.state).toBe('exited');
    expect(t.get(49_900)).toBeUndefined();
  });

  it('streams a call whose task asks for it, with no watcher yet; else only when someone watches', () => {
    const t = new ProcessTable();
    const asked = t.alloc(TaskSchema.parse({ prompt: 'x', stream: true }), 'o');
    const plain = t.alloc(task, 'o');
    expect(t.wantsTokens(asked)).toBe(true);
    expect(t.wantsTokens(plain)).toBe(false);
    const off = t.watch(plain.pid, () => {}, { tokens: true });
    expect(t.wantsTokens(plain)).toBe(true);
    off();
  });

  it('records exactly one exit', () => {
    const t = new ProcessTable();
    const p = t.alloc(task, 'o');
    expect(t.exit(p, 'ok', { result: { text: 'a', finish_reason: 'stop' } })).toBe(true);
    expect(t.exit(p, 'failed', { error: { code: 'LLMOS_EUPSTREAM', message: 'late' } })).toBe(false);
    expect(p.exit).toBe('ok');
    expect(p.error).toBeUndefined();
  });

  it('links children to their parent', () => {
    const t = new ProcessTable();
    const parent = t.alloc(task, 'o');
    const child = t.alloc(task, 'o', parent.pid);
    expect(child.ppid).toBe(parent.pid);
    expect(parent.children).toEqual([child.pid]);
  });

  it('wait resolves on exit and times out with LLMOS_ETIMEDOUT', async () => {
    const t = new ProcessTable();
    const p = t.alloc(task, 'o');
    const w = t.wait(p.pid, 1000);
    t.exit(p, 'ok');
    await expect(w).resolves.toBe(p);
    const q = t.alloc(task, 'o');
    await expect(t.wait(q.pid, 10)).rejects.toMatchObject({ code: 'LLMOS_ETIMEDOUT' });
    await expect(t.wait(999, 10)).rejects.toMatchObject({ code: 'LLMOS_ENOPROC' });
  });

  it('wait with an already-aborted signal rejects at once with its reason', async () => {
    const t = new ProcessTable();
    const p = t.alloc(task, 'o');
    const gone = new AbortController();
    const why = new Error('request cancelled');
    gone.abort(why);
    const started = Date.now();
    await expect(t.wait(p.pid, 60_000, gone.signal)).rejects.toBe(why);
    expect(Date.now() - started).toBeLessThan(1000); // not the 60 s timeout
    t.exit(p, 'ok'); // the rejected wait left no waiter behind
  });

  it('end records the abort reason as the cause: timeout for ETIMEDOUT, killed otherwise, failed when not aborted', () => {
    const t = new ProcessTable();
    const [a, b, c] = [t.alloc(task, 'o'), t.alloc(task, 'o'), t.alloc(task, 'o')];
    a.stop(new LlmosError('LLMOS_ETIMEDOUT', 'deadline'));
    t.end(a, new Error('whatever the run path saw'));
    b.stop(undefined);
    t.end(b, undefined);
    t.end(c, new LlmosError('LLMOS_EUPSTREAM', 'down'));
    expect([a, b, c].map((p) => [p.exit, p.error?.code])).toEqual([['timeout', 'LLMOS_ETIMEDOUT'], ['killed', 'LLMOS_EKILLED'], ['failed', 'LLMOS_EUPSTREAM']]);
  });

  it('stop aborts the current model call, and a signal first read after the stop is aborted with its reason', () => {
    const p = new ProcessTable().alloc(task, 'o');
    const call = (p.callController = new AbortController());
    const why = new LlmosError('LLMOS_EKILLED', 'killed');
    p.stop(why);
    p.stop(new LlmosError('LLMOS_ETIMEDOUT', 'later')); // the first reason stays
    expect([call.signal.aborted, call.signal.reason, p.stopped, p.stopCause]).toEqual([true, why, true, why]);
    expect([p.signal.aborted, p.signal.reason]).toEqual([true, why]);
  });

  it('takes pids from a pidSource (cluster mode) and keeps scan() in pid order when they arrive out of order', () => {
    const t = new ProcessTable();
    const source = [1001, 1002, 3, 1003];
    t.pidSource = () => source.shift()!;
    const pids = [1, 2, 3, 4].map(() => t.alloc(task, 'o').pid);
    expect(pids).toEqual([1001, 1002, 3, 1003]);
    expect([...t.scan()].map((p) => p.pid)).toEqual([3, 1001, 1002, 1003]);
    expect([...t.scan(1001)].map((p) => p.pid)).toEqual([1002, 1003]);
    t.pidSource = undefined;
    expect(t.alloc(task, 'o').pid).toBe(1004);
  });
});
