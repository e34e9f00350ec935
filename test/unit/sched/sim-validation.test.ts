import { describe, expect, it } from 'vitest';
import { Heap } from '../../../src/plugin-api/heap.js';
import { lognormal } from '../../../src/sim/dists.js';
import { simulate as simulateWith, type SimConfig } from '../../../src/sim/engine.js';
import { SCHEDULERS_CONFIG } from '../../helpers/schedulers.js';
import { Rng } from '../../../src/plugin-api/rng.js';

/** The scheduler plugins at their defaults, whatever llmos.plugins.json tunes. */
const simulate = (cfg: SimConfig) => simulateWith({ config: SCHEDULERS_CONFIG, ...cfg });

const max = (xs: ArrayLike<number>, keep: (i: number) => boolean = () => true) => {
  let m = -Infinity;
  for (let i = 0; i < xs.length; i++) if (keep(i) && xs[i] > m) m = xs[i];
  return m;
};

describe('the simulator against queueing theory', () => {
  // Erlang C within 2% needs minutes of simulation: see test/validation/erlang-c.test.ts.

  it('drives the FCFS plugin exactly like the textbook c-server FCFS recursion on the same random numbers', async () => {
    const c = 4;
    const n = 50_000;
    const r = await simulate({ policy: 'fcfs', arrivalRate: 3.6, serviceRate: 1, servers: c, tasks: n, seed: 9, detail: false });
    // Kiefer–Wolfowitz: each arrival starts at max(arrival, earliest free server). Draw order as the engine: gap, then service.
    const rng = new Rng(9);
    const free = new Heap<number>((a, b) => a < b);
    for (let i = 0; i < c; i++) free.push(0);
    let t = rng.exp(3.6);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const s = -Math.log(rng.next()) * 1;
      const start = Math.max(t, free.pop()!);
      free.push(start + s);
      sum += start - t;
      t += rng.exp(3.6);
    }
    expect(r.mean_wait).toBeCloseTo(sum / n, 9);
  });

  it("satisfies Little's law L = λW under every policy", async () => {
    for (const policy of ['fcfs', 'sjf', 'priority', 'hrrn', 'fair']) {
      const r = await simulate({ policy, arrivalRate: 3.4, serviceRate: 1, servers: 4, tasks: 50_000, seed: 3, service: lognormal(1), priorityMix: { 0: 1, 5: 2, 9: 1 }, ownerMix: { a: 1, b: 3 } });
      expect(r.little.rel_error, policy).toBeLessThan(1e-9);
      expect(r.little.l).toBeGreaterThan(0);
      // λ measured is the arrival rate.
      expect(r.little.lambda).toBeCloseTo(3.4, 1);
    }
  });

  it('SJF never loses a process, with noisy size predictions and heavy load', async () => {
    const r = await simulate({ policy: 'sjf', arrivalRate: 0.97, serviceRate: 1, servers: 1, tasks: 100_000, seed: 5, service: lognormal(1), predictionNoise: 0.5, priorityMix: { 0: 1, 9: 1 } });
    // simulate() throws when any process never finishes; also every one is counted once.
    expect(r.tasks).toBe(100_000);
    expect(Object.values(r.per_class).reduce((s, c) => s + c.tasks, 0)).toBe(100_000);
    expect(r.mean_response).toBeGreaterThan(0);
  });

  /*
   * Aging at a classes/s, counted from when the class was last passed over
   * (the default) or from arrival: either way the class-9 head runs at most
   * 9/a s after its class last ran, plus one service time, so class 9 gets
   * at least a/9 = 0.056 picks/s, above its 0.05/s arrivals here. Empirical
   * bound (exact for aging_since 'arrival', where class 9 starts by the time
   * all work that arrived before t + 9/a is done): 9/a + the largest FCFS
   * wait + one service time. Class 0 alone nearly saturates the server, so
   * without aging class 9 starves.
   */
  it('priority aging bounds the wait of the lowest class; without aging it starves', async () => {
    const base = { arrivalRate: 1.04, serviceRate: 1, servers: 1, tasks: 40_000, seed: 8, priorityMix: { 0: 0.99, 9: 0.05 }, detail: false };
    const fcfs = await simulate({ ...base, policy: 'fcfs' });
    const aging = 0.5;
    const run = (o: Record<string, unknown>) => simulate({ ...base, policy: 'priority', pluginOptions: { 'sched-priority': { aging_per_s: aging, ...o } } });
    const bound = 9 / aging + max(fcfs.waits) + max(fcfs.services);
    const worst9 = (r: typeof fcfs) => max(r.waits, (i) => r.classes[i] === 9);
    expect(worst9(await run({}))).toBeLessThanOrEqual(bound);
    expect(worst9(await run({ aging_since: 'arrival' }))).toBeLessThanOrEqual(bound);
    expect(worst9(await run({ aging_per_s: 0 }))).toBeGreaterThan(3 * bound);
  });

  /*
   * More urgent load below capacity (class 0 at ρ=0.95, class 9 at 0.03/s):
   * aging bounds class 9's wait as above. A cap of 4 classes does not: a
   * class-0 head that waited 8 s gets the full boost too, so class 9 stays
   * 9 classes behind it and waits as under strict priority.
   */
  it('aging bounds the lowest class when the more urgent load is below capacity; max_boost 4 would not', async () => {
    const base = { arrivalRate: 0.98, serviceRate: 1, servers: 1, tasks: 40_000, seed: 8, priorityMix: { 0: 0.95, 9: 0.03 }, detail: false };
    const fcfs = await simulate({ ...base, policy: 'fcfs' });
    const run = (o: Record<string, unknown>) => simulate({ ...base, policy: 'priority', pluginOptions: { 'sched-priority': { aging_per_s: 0.5, ...o } } });
    const bound = 9 / 0.5 + max(fcfs.waits) + max(fcfs.services);
    const worst9 = (r: typeof fcfs) => max(r.waits, (i) => r.classes[i] === 9);
    expect(worst9(await run({}))).toBeLessThanOrEqual(bound);
    expect(worst9(await run({ aging_per_s: 0 }))).toBeGreaterThan(3 * bound);
    expect(worst9(await run({ aging_since: 'arrival', max_boost: 4 }))).toBeGreaterThan(3 * bound);
  });

  /*
   * Saturating low-priority load (ρ=1.2, c=4, 95% class 9): with the default
   * aging, class 9 runs all the time, so its backlog earns no boost and class
   * 0 waits as under strict priority. Aging from arrival lets the ever older
   * class-9 backlog outrank every class-0 arrival: class 0 waits as in FCFS.
   */
  it('class 0 waits little under a saturating class-9 load with aging on', async () => {
    const base = { arrivalRate: 4.8, serviceRate: 1, servers: 4, tasks: 100_000, seed: 3, priorityMix: { 0: 0.05, 9: 0.95 } };
    const p99 = async (o: Record<string, unknown>) => (await simulate({ ...base, policy: 'priority', pluginOptions: { 'sched-priority': o } })).per_class['0'].p99_wait;
    const strict = await p99({ aging_per_s: 0 });
    expect(strict).toBeLessThan(3);
    expect(await p99({})).toBeLessThanOrEqual(strict * 1.05);
    expect(await p99({ aging_per_s: 1 })).toBeLessThanOrEqual(strict * 1.05);
    expect(await p99({ aging_since: 'arrival' })).toBeGreaterThan(100 * strict);
  });
});
