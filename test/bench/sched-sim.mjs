// Simulator speed: 1e6 tasks through the real scheduler plugins on a virtual clock.
// Run after `npm run build`: node test/bench/sched-sim.mjs
const dist = process.env.LLMOS_DIST ?? new URL('../../dist/', import.meta.url).pathname;
const { simulate } = await import(`${dist}/src/sim/engine.js`);
const { lognormal } = await import(`${dist}/src/sim/dists.js`);

// The scheduler plugins at their own defaults (not llmos.plugins.json's tuning), loaded by the real loader.
const SCHEDULERS_CONFIG = new URL('../fixtures/schedulers.plugins.json', import.meta.url).pathname;

for (const policy of ['fcfs', 'sjf', 'priority', 'hrrn', 'fair']) {
  const t0 = performance.now();
  const r = await simulate({ config: SCHEDULERS_CONFIG, policy, arrivalRate: 3.2, serviceRate: 1, servers: 4, tasks: 1_000_000, seed: 1, service: lognormal(1), priorityMix: { 0: 1, 4: 2, 9: 1 } });
  console.log(`${policy.padEnd(9)} 1e6 tasks, c=4, ρ=0.8 lognormal: ${((performance.now() - t0) / 1000).toFixed(2)} s wall (engine ${(r.wall_ms / 1000).toFixed(2)} s), mean wait ${r.mean_wait.toFixed(3)} s`);
}
