// Scheduler enqueue+pick throughput with 1e5 and 1e6 processes queued.
// Run after `npm run build`: node test/bench/sched-throughput.mjs [policies]
// (LLMOS_DIST=<dir> points at another build output.)
const dist = process.env.LLMOS_DIST ?? new URL('../../dist/', import.meta.url).pathname;
const { schedulerFactories } = await import(`${dist}/src/sim/policies.js`);
const { Process } = await import(`${dist}/src/kernel/proc.js`);

const policies = (process.argv[2] ?? 'fcfs,sjf,priority,hrrn,fair').split(',');
// The scheduler plugins at their own defaults (not llmos.plugins.json's tuning), loaded by the real loader.
const SCHEDULERS_CONFIG = new URL('../fixtures/schedulers.plugins.json', import.meta.url).pathname;
const factories = await schedulerFactories({ config: SCHEDULERS_CONFIG });
const OPS = 1_000_000; // enqueue+pick pairs timed per run

for (const queued of [100_000, 1_000_000]) {
  for (const name of policies) {
    const s = factories.get(name)();
    let seed = 12345;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    // A pool of task shapes: every enqueue, also in the timed loop, takes a random one.
    const tasks = Array.from({ length: 4096 }, () => ({ prompt: '', priority: Math.floor(rand() * 10), max_tokens: 1 + Math.floor(rand() * 2000), model: 'auto', metadata: {} }));
    const task = () => tasks[Math.floor(rand() * tasks.length)];
    const mk = (pid) => {
      const p = new Process(pid, 0, `owner${pid % 16}`, task());
      p.readyAt = pid;
      return p;
    };
    for (let i = 1; i <= queued; i++) s.enqueue(mk(i));
    let now = queued;
    const t0 = performance.now();
    for (let i = 0; i < OPS; i++) {
      const p = s.pickNext(1, ++now);
      // Comes back as a new arrival of random size and class.
      p.readyAt = now;
      p.task = task();
      s.enqueue(p);
    }
    const secs = (performance.now() - t0) / 1000;
    if (s.size() !== queued) throw new Error(`${name} lost processes: ${s.size()} != ${queued}`);
    console.log(`${name.padEnd(9)} queued=${queued.toExponential(0)}  ${((2 * OPS) / secs / 1e6).toFixed(2)} M ops/s (enqueue or pick)  ${(OPS / secs / 1e6).toFixed(2)} M enqueue+pick pairs/s`);
  }
}
