/**
 * The Scheduler contract (src/plugin-api/scheduler.ts) as one vitest suite.
 * A third-party scheduler runs it in its own tests:
 *   schedulerContract('my-policy', () => new MyScheduler());
 */
import { describe, expect, it } from 'vitest';
import { Rng, type ProcView, type Scheduler } from '../index.js';
import { fakeExit, fakeProcess, type FakeProcess } from './fake-process.js';

export interface SchedulerContractOptions {
  /** Seeds of the random operation sequences; each seed is one test. */
  seeds?: number[];
  /** Operations per sequence. */
  operations?: number;
  /**
   * true (default): pickNext returns a process whenever one is queued and a
   * slot is free. false for a policy that holds work back by design.
   */
  workConserving?: boolean;
}

/** A process with random priority, owner and size, ready at `now`. */
function randomProcess(rng: Rng, pid: number, now: number): FakeProcess {
  return fakeProcess({ pid, priority: Math.floor(rng.next() * 10), owner: `owner${Math.floor(rng.next() * 3)}`, readyAt: now, task: { max_tokens: 1 + Math.floor(rng.next() * 1000), prompt: 'x'.repeat(1 + Math.floor(rng.next() * 400)) } });
}

const pids = (ps: readonly ProcView[]) => ps.map((p) => p.pid);

/**
 * Drives a scheduler with a seeded random mix of the kernel's calls and keeps
 * a model of what must be queued, checking at every step that nothing is
 * lost, duplicated or invented.
 */
class SequenceCheck {
  /** pid → process, in arrival order (Map insertion order). */
  readonly queued = new Map<number, FakeProcess>();
  readonly running = new Map<number, FakeProcess>();
  private nextPid = 1;
  now = 0;

  constructor(private readonly s: Scheduler, private readonly rng: Rng, private readonly workConserving: boolean) {}

  step(): void {
    const r = this.rng.next();
    this.now += Math.floor(this.rng.exp(0.1));
    if (r < 0.4) this.enqueue();
    else if (r < 0.65) this.pick();
    else if (r < 0.75) this.remove();
    else if (r < 0.83) this.reprioritize();
    else if (r < 0.95) this.exit();
    else this.preempt();
    expect(this.s.size(), 'size() after a step').toBe(this.queued.size);
  }

  private enqueue(): FakeProcess {
    const p = randomProcess(this.rng, this.nextPid++, this.now);
    this.s.enqueue(p);
    this.queued.set(p.pid, p);
    return p;
  }

  private pick(): void {
    const picked = this.s.pickNext(1 + Math.floor(this.rng.next() * 4), this.now);
    if (this.workConserving && this.queued.size > 0) expect(picked, 'pickNext with processes queued').toBeDefined();
    if (!picked) return;
    const p = this.queued.get(picked.pid);
    expect(p, `pickNext returned pid ${picked.pid}, which is not queued`).toBeDefined();
    if (!p) return;
    this.queued.delete(p.pid);
    p.state = 'running';
    this.running.set(p.pid, p);
  }

  private remove(): void {
    const pid = 1 + Math.floor(this.rng.next() * this.nextPid);
    expect(this.s.remove(pid), `remove(${pid})`).toBe(this.queued.has(pid));
    this.queued.delete(pid);
  }

  private reprioritize(): void {
    const p = this.any(this.queued);
    if (!p) return;
    p.task = { ...p.task, priority: Math.floor(this.rng.next() * 10) };
    this.s.reprioritize(p.pid);
  }

  private exit(): void {
    const p = this.any(this.running);
    if (!p) return;
    this.running.delete(p.pid);
    fakeExit(p, { model: 'm', ok: this.rng.next() < 0.9, completion_tokens: Math.floor(this.rng.next() * p.task.max_tokens), started: p.readyAt, finished: this.now });
    this.s.onExit(p);
  }

  /** As the kernel: an arrival finds no free slot; a victim is cancelled and queued again. */
  private preempt(): void {
    if (!this.s.preemptFor) return;
    const incoming = this.enqueue();
    const chosen = this.s.preemptFor(incoming);
    if (!chosen) return;
    const victim = this.running.get(chosen.pid);
    expect(victim, `preemptFor returned pid ${chosen.pid}, which is not running`).toBeDefined();
    if (!victim) return;
    this.running.delete(victim.pid);
    victim.state = 'ready';
    victim.readyAt = this.now;
    this.s.enqueue(victim);
    this.queued.set(victim.pid, victim);
  }

  /** drain() must return exactly what the model holds, in arrival order. */
  drainAndCheck(): void {
    expect(pids(this.s.drain()), 'drain() at the end').toEqual([...this.queued.keys()]);
    this.queued.clear();
    expect(this.s.size()).toBe(0);
  }

  private any(m: Map<number, FakeProcess>): FakeProcess | undefined {
    if (m.size === 0) return undefined;
    return [...m.values()][Math.floor(this.rng.next() * m.size)];
  }
}

/** Cases on one queue built by hand: empty, drain, remove, pick, reprioritize, snapshot. */
function queueCases(make: () => Scheduler, workConserving: boolean): void {
  it('starts empty: size 0, nothing to pick or drain, remove() is false', () => {
    const s = make();
    expect(typeof s.name).toBe('string');
    expect([s.size(), s.pickNext(1, 0), s.drain(), s.remove(1)]).toEqual([0, undefined, [], false]);
  });

  it('drains every queued process in arrival order and is empty after', () => {
    const s = make();
    const rng = new Rng(7);
    const ps = Array.from({ length: 60 }, (_, i) => randomProcess(rng, i + 1, i));
    ps.forEach((p) => s.enqueue(p));
    expect(s.size()).toBe(60);
    expect(pids(s.drain())).toEqual(pids(ps));
    expect([s.size(), s.pickNext(1, 1e6)]).toEqual([0, undefined]);
  });

  it('removes a queued process once; it never comes back', () => {
    const s = make();
    const rng = new Rng(8);
    const ps = Array.from({ length: 10 }, (_, i) => randomProcess(rng, i + 1, i));
    ps.forEach((p) => s.enqueue(p));
    expect([s.remove(4), s.remove(4), s.remove(99)]).toEqual([true, false, false]);
    expect(s.size()).toBe(9);
    expect(pids(s.drain())).toEqual(pids(ps).filter((pid) => pid !== 4));
  });

  it.runIf(workConserving)('picks every queued process exactly once', () => {
    const s = make();
    const rng = new Rng(9);
    const ps = Array.from({ length: 40 }, (_, i) => randomProcess(rng, i + 1, i));
    ps.forEach((p) => s.enqueue(p));
    const picked: ProcView[] = [];
    for (let p = s.pickNext(1, 1e6); p; p = s.pickNext(1, 1e6)) picked.push(p);
    expect(pids(picked).sort((a, b) => a - b)).toEqual(pids(ps));
    expect(s.size()).toBe(0);
  });

  it('keeps a reprioritized process queued, in its arrival place for drain()', () => {
    const s = make();
    const ps = [0, 5, 9].map((priority, i) => fakeProcess({ pid: i + 1, priority, readyAt: i }));
    ps.forEach((p) => s.enqueue(p));
    ps[2].task = { ...ps[2].task, priority: 0 };
    s.reprioritize(3);
    expect(pids(s.drain())).toEqual([1, 2, 3]);
  });

  it('gives a JSON snapshot', () => {
    const s = make();
    s.enqueue(fakeProcess({ pid: 1 }));
    const snap = s.snapshot();
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);
  });
}

/** A scheduler that declares bypassWhenIdle must pick any lone arrival (the kernel then skips its queue). */
function bypassCase(make: () => Scheduler): void {
  it('when it declares bypassWhenIdle: picks a lone arrival from an empty queue, whatever its fields', () => {
    const s = make();
    if (!s.bypassWhenIdle) return;
    const rng = new Rng(10);
    for (let i = 1; i <= 20; i++) {
      const p = randomProcess(rng, i, i);
      s.enqueue(p);
      expect(s.pickNext(1, i), `pid ${i} enqueued alone`).toBe(p);
      expect(s.size()).toBe(0);
    }
  });
}

/** Runs the Scheduler contract against fresh schedulers from `make`. */
export function schedulerContract(label: string, make: () => Scheduler, opts: SchedulerContractOptions = {}): void {
  const { seeds = [1, 2, 3], operations = 1500, workConserving = true } = opts;
  describe(`Scheduler contract: ${label}`, () => {
    queueCases(make, workConserving);
    bypassCase(make);

    it.each(seeds)('loses, duplicates and invents nothing over a random sequence (seed %i)', (seed) => {
      const run = new SequenceCheck(make(), new Rng(seed), workConserving);
      for (let i = 0; i < operations; i++) run.step();
      run.drainAndCheck();
    });
  });
}
