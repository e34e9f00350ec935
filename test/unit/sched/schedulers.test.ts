import { describe, expect, it } from 'vitest';
import { Process } from '../../../src/kernel/proc.js';
import { TaskSchema, type Task } from '../../../src/core/task.js';
import type { Scheduler } from '../../../src/core/scheduler.js';
import { makeScheduler as make, schedulerFactories } from '../../../src/sim/policies.js';
import { defaultPolicies, SCHEDULERS_CONFIG } from '../../helpers/schedulers.js';
import { Rng } from '../../../src/plugin-api/rng.js';

/** A scheduler from the scheduler plugins at their defaults, with `options` by plugin name over them. */
const makeScheduler = (name: string, options?: Record<string, Record<string, unknown>>) => make(name, defaultPolicies(options));

let nextPid = 1;
const mk = (over: Partial<Task> = {}, owner = 'o', readyAt = 0) => {
  const p = new Process(nextPid++, 0, owner, TaskSchema.parse({ prompt: 'hello', ...over }));
  p.readyAt = readyAt;
  return p;
};
const pickAll = (s: Scheduler, now = 0) => {
  const out: Process[] = [];
  for (let p = s.pickNext(1, now); p; p = s.pickNext(1, now)) out.push(p as Process);
  return out;
};
const finish = (p: Process, tokens: number, ms: number) => {
  p.started = 0;
  p.finished = ms;
  p.exit = 'ok';
  p.model = 'm';
  p.usage.completion_tokens = tokens;
};

describe('every scheduler plugin', async () => {
  const names = [...(await schedulerFactories({ config: SCHEDULERS_CONFIG })).keys()];

  it('loads the five policies', () => {
    expect(names.sort()).toEqual(['fair', 'fcfs', 'hrrn', 'priority', 'sjf']);
  });

  it.each(names)('%s: loses nothing, removes on kill, drains in arrival order', async (name) => {
    const s = await makeScheduler(name);
    const rng = new Rng(11);
    const ps = Array.from({ length: 500 }, (_, i) => mk({ priority: Math.floor(rng.next() * 10), max_tokens: 1 + Math.floor(rng.next() * 900) }, `owner${i % 3}`, i));
    ps.forEach((p) => s.enqueue(p));
    expect(s.size()).toBe(500);
    expect(s.remove(ps[10].pid)).toBe(true);
    expect(s.remove(ps[10].pid)).toBe(false);
    const picked = [s.pickNext(4, 1000)!, s.pickNext(4, 1000)!];
    const drained = s.drain();
    expect(s.size()).toBe(0);
    expect(drained.map((p) => p.pid)).toEqual(ps.filter((p) => p !== ps[10] && !picked.includes(p)).map((p) => p.pid));
    expect(new Set([...picked, ...drained].map((p) => p.pid)).size).toBe(499);
    expect(typeof s.snapshot().policy).toBe('string');
  });
});

describe('sjf', () => {
  it('runs the shortest predicted job first, and learns per model and type from exits', async () => {
    const s = await makeScheduler('sjf');
    const long = mk({ max_tokens: 900, type: 'code' });
    const short = mk({ max_tokens: 100, type: 'chat' });
    s.enqueue(long);
    s.enqueue(short);
    expect(pickAll(s).map((p) => p.pid)).toEqual([short.pid, long.pid]);
    // Learn that code tasks use 5% of max_tokens and chat tasks all of it: code now predicts shorter.
    for (let i = 0; i < 5; i++) {
      const c = mk({ max_tokens: 900, type: 'code' });
      finish(c, 45, 1000);
      s.onExit(c);
      const h = mk({ max_tokens: 100, type: 'chat' });
      finish(h, 100, 2000);
      s.onExit(h);
    }
    const a = mk({ max_tokens: 900, type: 'code' });
    const b = mk({ max_tokens: 100, type: 'chat' });
    s.enqueue(b);
    s.enqueue(a);
    expect(pickAll(s)[0].pid).toBe(a.pid);
    expect(Object.keys(s.snapshot().estimates as object)).toContain('auto|code');
  });

  it('with max_wait_ms, a starving long job goes before newer short ones', async () => {
    const s = await makeScheduler('sjf', { 'sched-sjf': { max_wait_ms: 1000 } });
    const long = mk({ max_tokens: 900 }, 'o', 0);
    s.enqueue(long);
    for (let i = 0; i < 5; i++) s.enqueue(mk({ max_tokens: 10 }, 'o', 500));
    expect(s.pickNext(1, 900)!.pid).not.toBe(long.pid);
    expect(s.pickNext(1, 1500)!.pid).toBe(long.pid);
    expect(s.size()).toBe(4);
  });

  it('with the guard, overdue jobs run smallest first and yield only to much shorter ones', async () => {
    // Default 50 tokens/s: max_tokens 1000 → 20 s, 500 → 10 s, 100 → 2 s, 10 → 0.2 s.
    const s = await makeScheduler('sjf', { 'sched-sjf': { max_wait_ms: 1000, overdue_yield_ratio: 0.05 } });
    const huge = mk({ max_tokens: 1000 }, 'o', 0);
    const big = mk({ max_tokens: 500 }, 'o', 0);
    const mid = mk({ max_tokens: 100 }, 'o', 5000);
    const tiny = mk({ max_tokens: 10 }, 'o', 5000);
    [huge, big, mid, tiny].forEach((p) => s.enqueue(p));
    // At 5 s huge and big are overdue; tiny (0.2 s < 5% of big's 10 s) still passes, mid (2 s) does not.
    expect(s.pickNext(1, 5000)!.pid).toBe(tiny.pid);
    expect(s.pickNext(1, 5000)!.pid).toBe(big.pid);
    expect(s.pickNext(1, 5000)!.pid).toBe(huge.pid);
    expect(s.pickNext(1, 5000)!.pid).toBe(mid.pid);
    expect(s.size()).toBe(0);
  });

  it('with the guard, a refreshed size estimate (proc_nice) reorders the overdue queue too', async () => {
    const s = await makeScheduler('sjf', { 'sched-sjf': { max_wait_ms: 1000, overdue_yield_ratio: 0.01 } });
    const code = mk({ type: 'code', max_tokens: 500 }, 'o', 0); // 10 s at the default rate
    const qa = mk({ type: 'qa', max_tokens: 400 }, 'o', 0); // 8 s
    const qa2 = mk({ type: 'qa', max_tokens: 450 }, 'o', 0); // 9 s
    [code, qa, qa2].forEach((p) => s.enqueue(p));
    expect(s.pickNext(1, 5000)!.pid).toBe(qa.pid); // all three are now in the overdue queue, by size
    for (let i = 0; i < 5; i++) {
      const done = mk({ type: 'code', max_tokens: 500 });
      finish(done, 25, 500); // code answers are short: ~0.5 s
      s.onExit(done);
    }
    s.reprioritize(code.pid);
    // code is now the smaller in the overdue queue as in the main one.
    expect(s.pickNext(1, 5000)!.pid).toBe(code.pid);
    expect(s.pickNext(1, 5000)!.pid).toBe(qa2.pid);
  });

  it('max_wait_means scales the guard by the mean run time learned from exits', async () => {
    const s = await makeScheduler('sjf', { 'sched-sjf': { max_wait_means: 2 } });
    for (let i = 0; i < 5; i++) {
      const done = mk({ max_tokens: 50 });
      finish(done, 50, 1000); // 1 s mean run time: the guard is 2 s
      s.onExit(done);
    }
    const long = mk({ max_tokens: 900 }, 'o', 0);
    s.enqueue(long);
    for (let i = 0; i < 3; i++) s.enqueue(mk({ max_tokens: 10 }, 'o', 1000));
    expect(s.pickNext(1, 1500)!.pid).not.toBe(long.pid);
    expect(s.pickNext(1, 2500)!.pid).toBe(long.pid);
    expect(s.snapshot().mean_run_ms).toBe(1000);
  });
});

describe('priority', () => {
  it("aging_since 'arrival': runs more urgent classes first, arrival order within a class, and ages from readyAt", async () => {
    const s = await makeScheduler('priority', { 'sched-priority': { aging_per_s: 1, aging_since: 'arrival' } });
    const old9 = mk({ priority: 9 }, 'o', 0);
    const new0 = mk({ priority: 0 }, 'o', 5000);
    const new0b = mk({ priority: 0 }, 'o', 5000);
    const older0 = mk({ priority: 0 }, 'o', 20_000);
    [old9, new0, new0b, older0].forEach((p) => s.enqueue(p));
    // old9 has aged 9 classes after 9 s: at t=5 s it is behind, it is level with class 0 arriving at t=9 s.
    expect(pickAll(s, 30_000).map((p) => p.pid)).toEqual([new0.pid, new0b.pid, old9.pid, older0.pid]);
  });

  it("default aging_since 'class_last_run': a class's own running backlog earns it no boost; being passed over does", async () => {
    const s = await makeScheduler('priority', { 'sched-priority': { aging_per_s: 1 } });
    // A class-9 backlog from t=0 that runs one per second: a class-0 arrival at t=50 s still goes first.
    const backlog = Array.from({ length: 60 }, () => mk({ priority: 9 }, 'o', 0));
    backlog.forEach((p) => s.enqueue(p));
    for (let t = 1; t < 50; t++) expect(s.pickNext(1, t * 1000)!.priority).toBe(9);
    s.enqueue(mk({ priority: 0 }, 'o', 50_000));
    expect(s.pickNext(1, 50_000)!.priority).toBe(0);

    // A class-0 flood picked once a second: the class-9 head, passed over since its last run, gets the 10th pick (level at 9 s + 1 s for the class-0 head's own wait, older wins the tie), and the next one 10 picks later.
    const f = await makeScheduler('priority', { 'sched-priority': { aging_per_s: 1 } });
    for (let i = 0; i < 2; i++) f.enqueue(mk({ priority: 9 }, 'o', 0));
    for (let i = 0; i < 30; i++) f.enqueue(mk({ priority: 0 }, 'o', 0));
    const order = Array.from({ length: 25 }, (_, i) => f.pickNext(1, (i + 1) * 1000)!.priority);
    expect(order.flatMap((c, i) => (c === 9 ? [i + 1] : []))).toEqual([10, 20]);
  });

  it('max_boost caps aging: an old class-9 process never overtakes a waiting class-0 one', async () => {
    const run = async (opts: object) => {
      const s = await makeScheduler('priority', { 'sched-priority': { aging_per_s: 1, aging_since: 'arrival', ...opts } });
      const old9 = mk({ priority: 9 }, 'o', 0);
      const new0 = mk({ priority: 0 }, 'o', 20_000);
      s.enqueue(old9);
      s.enqueue(new0);
      return pickAll(s, 30_000).map((p) => p.priority);
    };
    expect(await run({})).toEqual([9, 0]);
    expect(await run({ max_boost: 4 })).toEqual([0, 9]);
    expect((await makeScheduler('priority', { 'sched-priority': { max_boost: 4 } })).snapshot()).toMatchObject({ max_boost: 4, aging_since: 'class_last_run' });
  });

  it('reprioritize (proc_nice) moves a queued process', async () => {
    const s = await makeScheduler('priority', { 'sched-priority': { aging_per_s: 0 } });
    const a = mk({ priority: 5 });
    const b = mk({ priority: 6 });
    s.enqueue(a);
    s.enqueue(b);
    b.task = { ...b.task, priority: 1 };
    s.reprioritize(b.pid);
    expect(pickAll(s).map((p) => p.pid)).toEqual([b.pid, a.pid]);
  });

  it('offers a preemption victim only when enabled and strictly less urgent', async () => {
    const off = (await makeScheduler('priority')) as Scheduler & { preemptFor(p: Process): Process | undefined };
    const on = (await makeScheduler('priority', { 'sched-priority': { preempt: true } })) as typeof off;
    for (const s of [off, on]) {
      s.enqueue(mk({ priority: 8 }));
      s.pickNext(1, 0);
    }
    expect(off.preemptFor(mk({ priority: 0 }))).toBeUndefined();
    expect(on.preemptFor(mk({ priority: 8 }))).toBeUndefined();
    expect(on.preemptFor(mk({ priority: 0 }))?.priority).toBe(8);
  });
});

describe('hrrn', () => {
  it('prefers short jobs, but a long job that waited long enough overtakes them', async () => {
    const s = await makeScheduler('hrrn');
    const long = mk({ max_tokens: 1000 }, 'o', 0);
    const short = mk({ max_tokens: 50 }, 'o', 0);
    s.enqueue(long);
    s.enqueue(short);
    expect(s.pickNext(1, 100)!.pid).toBe(short.pid);
    // Predicted sizes at 50 tokens/s: long 20 s, fresh short 1 s. At t=60 s long's ratio is 4, a short job that waited 1 s has 2.
    const fresh = mk({ max_tokens: 50 }, 'o', 59_000);
    s.enqueue(fresh);
    expect(s.pickNext(1, 60_000)!.pid).toBe(long.pid);
  });
});

describe('fair', () => {
  it('interleaves owners by weight even when one floods the queue', async () => {
    const s = await makeScheduler('fair', { 'sched-fair': { weights: { b: 2 } } });
    for (let i = 0; i < 100; i++) s.enqueue(mk({ max_tokens: 100 }, 'flood'));
    for (let i = 0; i < 10; i++) s.enqueue(mk({ max_tokens: 100 }, 'b'));
    const first = pickAll(s).slice(0, 15).map((p) => p.owner);
    // Weight 2 against 1: b gets two of every three picks until it runs dry.
    expect(first.filter((o) => o === 'b').length).toBe(10);
  });

  it('orders each owner by its inner policy', async () => {
    const s = await makeScheduler('fair', { 'sched-fair': { inner: 'sjf' } });
    const big = mk({ max_tokens: 900 }, 'a');
    const small = mk({ max_tokens: 9 }, 'a');
    s.enqueue(big);
    s.enqueue(small);
    expect(pickAll(s).map((p) => p.pid)).toEqual([small.pid, big.pid]);
    expect(s.snapshot().inner).toBe('sjf');
  });

  it('frees an owner\'s queue once nothing of it is queued or running, so owners that come and go do not pile up', async () => {
    const s = await makeScheduler('fair');
    const queues = () => Object.keys(s.snapshot().owners as Record<string, unknown>).length;
    for (let i = 0; i < 50; i++) s.enqueue(mk({}, `http:${i}`)); // one owner per anonymous session
    expect(queues()).toBe(50);
    const picked = pickAll(s);
    expect(queues()).toBe(50); // still running: their charges are corrected at exit
    for (const p of picked) (finish(p, 3, 1), s.onExit(p));
    expect(queues()).toBe(0);
    const killed = mk({}, 'http:gone');
    s.enqueue(killed);
    s.remove(killed.pid);
    expect(s.pickNext(1, 0)).toBeUndefined();
    expect(queues()).toBe(0);
    // An owner that returns starts afresh and is served as before.
    const back = mk({}, 'http:0');
    s.enqueue(back);
    expect(pickAll(s).map((p) => p.pid)).toEqual([back.pid]);
  });

  it('rejects an unknown inner policy naming the plugin to enable', async () => {
    await expect(makeScheduler('fair', { 'sched-fair': { inner: 'lottery' } })).rejects.toThrow(/inner policy "lottery" is not loaded/);
  });
});
