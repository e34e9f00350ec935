// Overhead of obs-metrics on the gateway's hot path: two LLMOS servers in
// front of one instant upstream, one with obs-metrics and one without, driven
// by autocannon in alternating rounds (off, on, off, on, …) so the machine's
// load hits both sides alike. The steady figure is each server's CPU ms per
// request; req/s is printed too. With --product both sides run the repo's
// llmos.plugins.json (model-openai pointed at the upstream) as `llmos serve`
// does, the "off" side with obs-metrics disabled; without it, bench:gateway's
// lean kernel (sched-fcfs + alloc-rules + model-openai + the OpenAI gateway).
// Ports are picked free, so it runs beside other benchmarks. --profile <dir>
// profiles each side over the rounds (node:inspector) and prints the share of the
// "on" side's busy CPU spent in obs-metrics and prom-client (cpu-stages.mjs), a
// figure the machine's load moves far less than the on/off ratio.
//
//   [LLMOS_BENCH_DIST=<other build>/dist] npm run build && node test/bench/metrics-overhead.mjs [--product] [--rounds 6] [--duration 3] [--connections 10] [--profile dir]
//
// Needs autocannon in /work/benchdeps (or $LLMOS_BENCH_DEPS), like bench:gateway.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const flag = (name) => process.argv.includes(`--${name}`);
const textArg = (name) => process.argv[process.argv.indexOf(`--${name}`) + 1];
const TOKEN = 'bench-token';
const BODY = JSON.stringify({ model: 'instant', messages: [{ role: 'user', content: 'Say hello to the benchmark.' }], max_tokens: 16 });

const cpuSeconds = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};

/** One server side; resolves with its process and the port it listens on once it printed `ready <port>`. */
function child(args, name) {
  const prof = flag('profile') ? ['--profile-to', join(resolve(textArg('profile')), `${name}.cpuprofile`)] : [];
  const c = spawn(process.execPath, [fileURLToPath(import.meta.url), ...args, ...prof], { env: { ...process.env, LLMOS_LOG_LEVEL: 'warn', LLMOS_MAX_CONNECTIONS_PER_CLIENT: '10000' }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((res) => c.stdout.once('data', (d) => res({ proc: c, port: Number(/ready (\d+)/.exec(String(d))[1]) })));
}

async function main() {
  const deps = resolve(process.env.LLMOS_BENCH_DEPS ?? '/work/benchdeps');
  const autocannon = createRequire(join(deps, 'package.json'))('autocannon');
  const [rounds, duration, connections] = [arg('rounds', 6), arg('duration', 3), arg('connections', 10)];
  const { startInstantUpstream } = await import('../fixtures/instant-upstream.mjs');
  const up = await startInstantUpstream({ port: 0 });
  const mode = flag('product') ? 'product' : 'lean';
  const sides = { off: {}, on: {} };
  for (const name of Object.keys(sides)) Object.assign(sides[name], await child(['--serve', '0', up.baseURL, name, mode], name));
  const kids = Object.values(sides).map((s) => s.proc);
  process.on('exit', () => kids.forEach((k) => k.kill('SIGKILL')));
  const run = (port) =>
    new Promise((res, rej) =>
      autocannon({ url: `http://127.0.0.1:${port}/v1/chat/completions`, method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: BODY, connections, duration }, (e, r) => (e ? rej(e) : res(r))),
    );
  for (const s of Object.values(sides)) await run(s.port); // warm-up
  if (flag('profile')) kids.forEach((k) => k.kill('SIGUSR2')); // start profiling now, after boot and warm-up (without a handler SIGUSR2 would end the child)
  const acc = { off: { cpu: 0, reqs: 0, rps: [] }, on: { cpu: 0, reqs: 0, rps: [] } };
  for (let i = 0; i < rounds; i++) {
    for (const name of i % 2 ? ['on', 'off'] : ['off', 'on']) {
      const { port, proc } = sides[name];
      const cpu0 = cpuSeconds(proc.pid);
      const r = await run(port);
      if (r.errors + r.non2xx) throw new Error(`${name}: ${r.errors + r.non2xx} failed requests (status ${JSON.stringify(r.statusCodeStats)}, errors ${r.errors})`);
      acc[name].cpu += cpuSeconds(proc.pid) - cpu0;
      acc[name].reqs += r.requests.total;
      acc[name].rps.push(r.requests.average);
    }
  }
  const scrape = await fetch(`http://127.0.0.1:${sides.on.port}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) => r.text());
  const counted = Number(/llmos_process_exits_total\{status="ok"\} (\d+)/.exec(scrape)?.[1] ?? 0);
  const row = (n) => ({ 'cpu ms/req': +((acc[n].cpu * 1000) / acc[n].reqs).toFixed(4), 'req/s (mean)': Math.round(acc[n].rps.reduce((a, b) => a + b, 0) / acc[n].rps.length), requests: acc[n].reqs });
  const { loadavg } = await import('node:os');
  console.log(`metrics overhead (${mode}): ${rounds} alternating rounds of ${duration} s, ${connections} connections, node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.table({ 'metrics off': row('off'), 'metrics on': row('on') });
  const cpu = row('on')['cpu ms/req'] / row('off')['cpu ms/req'];
  const rps = row('on')['req/s (mean)'] / row('off')['req/s (mean)'];
  console.log(`on/off: cpu ms/req ${cpu.toFixed(3)}x, req/s ${rps.toFixed(3)}x (goal: within 3%); /metrics counted ${counted} exits`);
  await Promise.all(kids.map((k) => new Promise((r) => (k.once('exit', r), k.kill('SIGTERM')))));
  await up.close();
  if (flag('profile')) {
    const { stagesOf } = await import('./cpu-stages.mjs');
    const stages = stagesOf(join(resolve(textArg('profile')), 'on.cpuprofile'), row('on')['cpu ms/req']);
    const m = stages.find((s) => s.stage.startsWith('metrics')) ?? { 'cpu ms/req': 0, share: '0%' };
    console.log(`"on" side's CPU profile: obs-metrics + prom-client ${m.share} of busy CPU over the rounds (${m['cpu ms/req']} cpu ms/req)`);
  }
  process.exit(0);
}

if (process.argv[2] === '--serve') {
  const [port, baseURL, side, mode] = process.argv.slice(3);
  const dist = resolve(process.env.LLMOS_BENCH_DIST ?? join(ROOT, 'dist')); // LLMOS_BENCH_DIST: another build's, for before/after (lean mode; --product reads this tree's config)
  const { boot } = await import(join(dist, 'src/boot.js'));
  const { serveHttp } = await import(join(dist, 'src/mcp/http.js'));
  const dataDir = mkdtempSync(join(tmpdir(), 'llmos-metrics-bench-'));
  const { kernel } = mode === 'product' ? await bootProduct(dist, boot, dataDir, baseURL, side === 'on') : await bootLean(dist, boot, dataDir, baseURL, side === 'on');
  const http = await serveHttp(kernel, { host: '127.0.0.1', port: Number(port), token: TOKEN });
  const stopProfile = profileOnSignal(process.argv[process.argv.indexOf('--profile-to') + 1], process.argv.includes('--profile-to'));
  process.once('SIGTERM', async () => (await stopProfile(), rmSync(dataDir, { recursive: true, force: true }), process.exit(0)));
  process.stdout.write(`ready ${http.port}\n`);
} else {
  await main();
}

/** With `on`, SIGUSR2 starts the V8 CPU profiler (node:inspector); the returned stop() writes what it took to `file`. */
function profileOnSignal(file, on) {
  let session;
  if (on)
    process.once('SIGUSR2', async () => {
      const { Session } = await import('node:inspector/promises');
      session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    });
  return async () => session && writeFileSync(file, JSON.stringify((await session.post('Profiler.stop')).profile));
}

function openaiOptions(baseURL) {
  return { base_url: baseURL, probe_on_start: false, http_client: 'pool', models: [{ id: 'instant', concurrency: 1024 }] };
}

/** The product: llmos.plugins.json as `llmos serve` reads it, model-openai on the upstream; obs-metrics disabled on the "off" side. */
async function bootProduct(dist, boot, dataDir, baseURL, metrics) {
  const { readPluginConfig, withOptionOverrides } = await import(join(dist, 'src/loader/config.js'));
  const config = withOptionOverrides(readPluginConfig(join(ROOT, 'llmos.plugins.json')), { 'model-openai': openaiOptions(baseURL) });
  const plugins = config.plugins.map((p) => (p.name === 'obs-metrics' ? { ...p, enabled: metrics } : p));
  return boot({ config: { ...config, plugins }, dataDir, admins: ['http:*'] });
}

/** The lean kernel: sched-fcfs + alloc-rules + model-openai + the OpenAI gateway (+ obs-metrics on the "on" side). */
async function bootLean(dist, boot, dataDir, baseURL, metrics) {
  const plugin = async (name) => (await import(join(dist, `plugins/${name}/index.js`))).default;
  const openai = await plugin('model-openai');
  const model = { ...openai, register: (s) => openai.register(s, openai.options.parse(openaiOptions(baseURL))) };
  const inline = [await plugin('sched-fcfs'), await plugin('alloc-rules'), model, await plugin('gateway-openai'), ...(metrics ? [await plugin('obs-metrics')] : [])];
  return boot({ inline, dataDir, admins: ['http:*'] });
}
