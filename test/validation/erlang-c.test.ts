import { describe, expect, it } from 'vitest';
import { mmc } from '../../src/plugin-api/mmc.js';
import { simulate } from '../../src/sim/engine.js';

/*
 * The simulator, driving the real FCFS plugin, against Erlang C: the mean
 * wait of M/M/c within 2% for ρ ∈ {0.5, 0.8, 0.95} × c ∈ {1, 4, 16}.
 *
 * Each case pools independent replications (seeds 1, 2, …; every run starts
 * in the stationary state, so each is unbiased) until the standard error of
 * the pooled mean is at most 0.6% of Erlang C's value, which makes the 2%
 * bound a 3.3-sigma check rather than luck. Rare waits (ρ=0.5, c=16) and
 * heavy traffic (ρ=0.95) need the most tasks: this file takes minutes, so it
 * runs only in the full suite, after the other tests.
 */
const REPLICATION = 2_000_000;
const MAX_REPLICATIONS = 60;
const TARGET_SE = 0.006;

const cases = [0.5, 0.8, 0.95].flatMap((rho) => [1, 4, 16].map((c) => ({ rho, c })));

describe('FCFS M/M/c simulation against Erlang C', () => {
  it.each(cases)('mean wait within 2% of Erlang C at ρ=$rho, c=$c', async ({ rho, c }) => {
    const wq = mmc({ lambda: rho * c, mu: 1, c }).wq!;
    const means: number[] = [];
    let se = Infinity;
    let pooled = 0;
    while (means.length < MAX_REPLICATIONS && !(means.length >= 4 && se <= TARGET_SE * wq)) {
      const r = await simulate({ policy: 'fcfs', arrivalRate: rho * c, serviceRate: 1, servers: c, tasks: REPLICATION, seed: means.length + 1, initial: 'stationary', detail: false });
      expect(r.tasks).toBe(REPLICATION);
      means.push(r.mean_wait);
      pooled = means.reduce((s, x) => s + x, 0) / means.length;
      const variance = means.reduce((s, x) => s + (x - pooled) ** 2, 0) / (means.length - 1);
      se = Math.sqrt(variance / means.length);
    }
    const rel = pooled / wq - 1;
    const what = `sim ${pooled.toPrecision(6)} vs Erlang C ${wq.toPrecision(6)}: ${(100 * rel).toFixed(2)}% off, se ${((100 * se) / wq).toFixed(2)}%, ${means.length} × ${REPLICATION} tasks`;
    expect(se / wq, `standard error still over target: ${what}`).toBeLessThanOrEqual(TARGET_SE);
    expect(Math.abs(rel), what).toBeLessThanOrEqual(0.02);
  }, 600_000);
});
