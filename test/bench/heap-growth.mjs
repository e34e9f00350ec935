// Benchmark: what LLMOS_HEAP_GROWTH_PERCENT (src/cli/server-heap.ts) does to a serving
// process under gateway load. For each setting, alternating, `--runs` times: the default
// llmos.plugins.json served as bench:gateway serves it (model-openai on the instant
// upstream), then four autocannon rounds (c=10, c=100, c=10, c=100, `--duration` s each) on
// one server; after each of the last two rounds its RSS and its CPU per request. The first
// two rounds warm the server up (JIT, the profiler's tables).
//
//   npm run build && node test/bench/heap-growth.mjs [--settings 0,30] [--runs 3] [--duration 4] [--deps /work/benchdeps]
//
// Needs `autocannon` in a folder with its own package.json (as bench:gateway does).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { root } from './dist.mjs';

const GATEWAY = join(root, 'test/bench/gateway.mjs');
const TOKEN = 'bench-token'; // gateway.mjs --serve-llmos serves with it
const BODY = JSON.stringify({ model: 'instant', messages: [{ role: 'user', content: 'Say hello to the benchmark.' }], max_tokens: 16 });
const [UP, LL] = [19401, 19402];

/** The text after `--name` on the command line, else `dflt`. */
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};

const deps = resolve(arg('deps', process.env.LLMOS_BENCH_DEPS ?? '/work/benchdeps'));
let autocannon;
try {
  autocannon = createRequire(join(deps, 'package.json'))('autocannon');
} catch (e) {
  throw new Error(`install the benchmark's tools first: (mkdir -p ${deps} && cd ${deps} && npm init -y && npm i autocannon) — ${e.message}`);
}
const settings = arg('settings', '0,30').split(',').map(Number);
const runs = Number(arg('runs', 3));
const duration = Number(arg('duration', 4));

const status = (pid) => readFileSync(`/proc/${pid}/status`, 'utf8');
const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(status(pid))[1]) / 1024;
/** CPU seconds (user + system) a process has used so far, from /proc (clock ticks of 10 ms). */
const cpuSeconds = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};
const ready = (c) => new Promise((res, rej) => {
  c.stdout.on('data', (d) => String(d).includes('ready') && res());
  c.once('exit', (code) => rej(new Error(`server exited ${code} before it was ready`)));
});
const serve = (args, env = {}) => spawn(process.execPath, [GATEWAY, ...args], { env: { ...process.env, LLMOS_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });

const upstream = serve(['--serve-upstream', String(UP)]);
process.on('exit', () => upstream.kill('SIGKILL'));
await ready(upstream);

const rows = [];
for (let run = 1; run <= runs; run++)
  for (const percent of settings) {
    const server = serve(['--serve-llmos', String(LL), `http://127.0.0.1:${UP}/v1`, 'instant'], { LLMOS_BENCH_CONFIG: 'default', LLMOS_MAX_CONNECTIONS_PER_CLIENT: '10000', LLMOS_HEAP_GROWTH_PERCENT: String(percent) });
    await ready(server);
    for (const [i, connections] of [10, 100, 10, 100].entries()) {
      const cpu0 = cpuSeconds(server.pid);
      const r = await autocannon({ url: `http://127.0.0.1:${LL}/v1/chat/completions`, method: 'POST', body: BODY, headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, connections, duration });
      if (r.non2xx || r.errors) throw new Error(`LLMOS_HEAP_GROWTH_PERCENT=${percent}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
      if (i >= 2) rows.push({ run, percent, connections, 'req/s': Math.round(r.requests.average), 'cpu ms/req': +((1000 * (cpuSeconds(server.pid) - cpu0)) / r.requests.total).toFixed(3), 'rss MB': +rssMb(server.pid).toFixed(1) });
    }
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
console.log(`LLMOS_HEAP_GROWTH_PERCENT under gateway load: default config, ${runs} alternating run(s), rounds of ${duration} s, node ${process.version}`);
console.table(rows);
process.exit(0);
