// Benchmark: LLMOS's OpenAI-compatible gateway vs Portkey's open-source gateway
// (npm @portkey-ai/gateway), both in front of the same instant local upstream
// (test/fixtures/instant-upstream.mjs), driven by autocannon with the same request.
//
//   npm run build && node test/bench/gateway.mjs [--duration 4] [--deps /work/benchdeps] [--profile <dir>] [--no-stages] [--probes 2000] [--port-base 18901]
//
// Needs `@portkey-ai/gateway` and `autocannon` in a folder with its own package.json
// (default /work/benchdeps, or $LLMOS_BENCH_DEPS). Every server runs in its own
// child process; figures go to stdout. Headline: LLMOS with the default llmos.plugins.json
// (model-openai pointed at the upstream), as `llmos serve` runs it; second line "llmos-lean":
// sched-fcfs + alloc-rules + model-openai only; reference line "bare-relay": bare-relay.mjs, a node:http
// relay with no kernel, the floor of any Node gateway on this machine. Then each LLMOS server profiles itself over
// one more run and the bench prints its CPU per request by stage (cpu-stages.mjs); --profile
// keeps those .cpuprofile files in <dir>. --before <dist>[:<config>] adds "llmos-before", the product
// path of another build (and its config), alternating with the others in the same run. For diagnosis, LLMOS_BENCH_BACKEND swaps the lean line's backend:
//   lean                a non-streaming node:http call (no openai SDK), the floor of the kernel + gateway;
//   sdk-json            the openai SDK without streaming;
//   sdk-json-httpfetch  the same with a node:http `fetch` handed to the SDK;
// LLMOS_BENCH_HTTP=fetch runs model-openai on Node's built-in fetch instead of its node:http adapter
// (option httpClient), and LLMOS_BENCH_DIST=<dir> serves LLMOS from another build (A/B of kernel changes).
// Every LLMOS server first does to its process what `llmos serve` does (asServed: V8's heap growth).
// The machine's load moves req/s a lot between runs; `cpu ms/req` of each server is the steadier figure.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request, Agent } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { asServed, benchScratch, serverDataDir } from './dist.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const TOKEN = 'bench-token';
const BODY = JSON.stringify({ model: 'instant', messages: [{ role: 'user', content: 'Say hello to the benchmark.' }], max_tokens: 16 });

// ---- the driver --------------------------------------------------------------

function child(args, env = {}, ipc = false) {
  const c = spawn(process.execPath, args, { env: { ...process.env, LLMOS_LOG_LEVEL: 'warn', LLMOS_BENCH_SCRATCH: benchScratch(), ...env }, stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? ['ipc'] : [])] });
  let err = '';
  c.stderr.on('data', (d) => (err += d));
  c.on('exit', (code, sig) => code && process.stderr.write(`child ${args.join(' ')} exited ${code ?? sig}: ${err}\n`));
  return { c, err: () => err };
}

async function waitHttp(url, init) {
  for (let i = 0; i < 400; i++) {
    const ok = await fetch(url, init).then((r) => r.status < 500, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not answer`);
}

/** CPU seconds (user + system) a process has used so far, from /proc (clock ticks of 10 ms). */
const cpuSeconds = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};

const rss = (pid) => {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0);
  return { rss_mb: kb('VmRSS') / 1024, peak_mb: kb('VmHWM') / 1024 };
};

/** One POST at a time on one keep-alive socket, each timed with hrtime (µs resolution); close() frees the socket. */
function prober(url, headers) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const u = new URL(url);
  const one = () =>
    new Promise((res, rej) => {
      const t0 = process.hrtime.bigint();
      const r = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY), ...headers } }, (resp) => {
        resp.resume();
        resp.on('end', () => (resp.statusCode === 200 ? res(Number(process.hrtime.bigint() - t0) / 1e6) : rej(new Error(`status ${resp.statusCode}`))));
      });
      r.on('error', rej);
      r.end(BODY);
    });
  return { one, close: () => agent.destroy() };
}

/**
 * Latency without load: `n` sequential requests per target after 200 of
 * warm-up, the targets taking turns request by request (who goes first
 * rotates), so that every side, the upstream too, meets the same moments of
 * the machine's load and "added" compares like with like.
 * @returns {Record<string, { p50: number, p99: number }>}
 */
async function probeInTurns(targets, n) {
  const sides = Object.entries(targets).map(([name, t]) => ({ name, ...prober(t.url, t.headers), ms: [] }));
  for (let i = 0; i < 200; i++) for (const s of sides) await s.one();
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < sides.length; k++) {
      const s = sides[(i + k) % sides.length];
      s.ms.push(await s.one());
    }
  }
  return Object.fromEntries(
    sides.map((s) => {
      s.close();
      s.ms.sort((a, b) => a - b);
      return [s.name, { p50: s.ms[Math.floor(n * 0.5)], p99: s.ms[Math.floor(n * 0.99)] }];
    }),
  );
}

async function main() {
  const deps = resolve(arg('deps', process.env.LLMOS_BENCH_DEPS ?? '/work/benchdeps'));
  const req = createRequire(join(deps, 'package.json'));
  let autocannon, portkeyBin;
  try {
    autocannon = req('autocannon');
    portkeyBin = join(dirname(req.resolve('@portkey-ai/gateway/package.json')), 'build/start-server.js');
  } catch (e) {
    throw new Error(`install the benchmark's tools first: (mkdir -p ${deps} && cd ${deps} && npm init -y && npm i @portkey-ai/gateway autocannon) — ${e.message}`);
  }
  const duration = Number(arg('duration', 4));
  const base = Number(arg('port-base', process.env.LLMOS_BENCH_PORT_BASE ?? 18901)); // another base lets two benches run on one machine
  const [UP, LL, LEAN, PK, BEFORE, BARE] = [base, base + 1, base + 3, base + 2, base + 4, base + 5];
  const kids = [];
  process.on('exit', () => kids.forEach((k) => k.c.kill('SIGKILL'))); // before benchScratch's removal, registered at the first child
  const upstream = child([fileURLToPath(import.meta.url), '--serve-upstream', String(UP)]);
  kids.push(upstream);
  await waitHttp(`http://127.0.0.1:${UP}/v1/models`);
  const baseURL = `http://127.0.0.1:${UP}/v1`;
  const serveLlmos = (port, config, env = {}) => child([fileURLToPath(import.meta.url), '--serve-llmos', String(port), baseURL, 'instant'], { LLMOS_BENCH_CONFIG: config, LLMOS_MAX_CONNECTIONS_PER_CLIENT: '10000', ...env }, true); // one benchmark client opens 100 connections
  const llmos = serveLlmos(LL, 'default');
  const lean = serveLlmos(LEAN, 'lean');
  const portkey = child([portkeyBin, `--port=${PK}`, '--headless']);
  const bare = child([join(dirname(fileURLToPath(import.meta.url)), 'bare-relay.mjs'), String(BARE), baseURL, TOKEN]);
  kids.push(llmos, lean, portkey, bare);
  // --before <dist>[:<config>]: the product path of another build (e.g. main's) in the same run, for before/after figures.
  const [beforeDist, beforeConfig] = (arg('before') ?? '').split(':');
  const before = beforeDist ? serveLlmos(BEFORE, 'default', { LLMOS_BENCH_DIST: resolve(beforeDist), ...(beforeConfig && { LLMOS_BENCH_CONFIG_FILE: resolve(beforeConfig) }) }) : undefined;
  if (before) kids.push(before);
  for (const p of [LL, LEAN, BARE, ...(before ? [BEFORE] : [])]) await waitHttp(`http://127.0.0.1:${p}/healthz`);
  await waitHttp(`http://127.0.0.1:${PK}/`);

  const auth = { authorization: `Bearer ${TOKEN}` };
  const targets = {
    upstream: { url: `${baseURL}/chat/completions`, headers: auth, pid: upstream.c.pid },
    llmos: { url: `http://127.0.0.1:${LL}/v1/chat/completions`, headers: auth, pid: llmos.c.pid, kid: llmos },
    portkey: { url: `http://127.0.0.1:${PK}/v1/chat/completions`, headers: { ...auth, 'x-portkey-provider': 'openai', 'x-portkey-custom-host': baseURL }, pid: portkey.c.pid },
    'llmos-lean': { url: `http://127.0.0.1:${LEAN}/v1/chat/completions`, headers: auth, pid: lean.c.pid, kid: lean },
    'bare-relay': { url: `http://127.0.0.1:${BARE}/v1/chat/completions`, headers: auth, pid: bare.c.pid },
    ...(before && { 'llmos-before': { url: `http://127.0.0.1:${BEFORE}/v1/chat/completions`, headers: auth, pid: before.c.pid, kid: before } }),
  };
  const gateways = ['llmos', 'portkey', 'llmos-lean', ...(before ? ['llmos-before'] : []), 'bare-relay'];
  // Same answer through every path, or the comparison is void.
  for (const [name, t] of Object.entries(targets)) {
    const r = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json', ...t.headers }, body: BODY });
    const j = await r.json();
    if (j.choices?.[0]?.message?.content !== 'echo: Say hello to the benchmark.') throw new Error(`${name} answered ${r.status} ${JSON.stringify(j)}`);
  }

  const rows = [];
  const run = (t, connections) =>
    new Promise((res, rej) =>
      autocannon({ url: t.url, method: 'POST', headers: { 'content-type': 'application/json', ...t.headers }, body: BODY, connections, duration, pipelining: 1 }, (err, r) => (err ? rej(err) : res(r))),
    );
  /** One autocannon run with the server's CPU time per request over it. */
  const measured = async (t, connections) => {
    const cpu0 = cpuSeconds(t.pid);
    const r = await run(t, connections);
    return { r, cpuMsPerReq: ((cpuSeconds(t.pid) - cpu0) * 1000) / r.requests.total };
  };
  console.log(`gateway benchmark: ${duration} s per run, body ${Buffer.byteLength(BODY)} B, node ${process.version}, ${(await import('node:os')).cpus().length} cpus`);
  console.log('llmos = the default llmos.plugins.json (model-openai pointed at the instant upstream); llmos-lean = sched-fcfs + alloc-rules + model-openai only; bare-relay = a node:http relay with no kernel (the floor)');
  const probes = Number(arg('probes', 2000));
  const probed = Object.fromEntries(['upstream', ...gateways].map((name) => [name, targets[name]]));
  const noLoad = await probeInTurns(probed, probes);
  for (const connections of [10, 100]) {
    const direct = await run(targets.upstream, connections);
    for (const name of gateways) {
      const { r, cpuMsPerReq } = await measured(targets[name], connections);
      const mem = rss(targets[name].pid);
      rows.push({
        gateway: name,
        connections,
        'req/s': Math.round(r.requests.average),
        errors: r.errors + r.non2xx,
        'cpu ms/req': +cpuMsPerReq.toFixed(3),
        'p50 ms': r.latency.p50,
        'p99 ms': r.latency.p99,
        'added p50 ms': +(r.latency.p50 - direct.latency.p50).toFixed(2),
        'added p99 ms': +(r.latency.p99 - direct.latency.p99).toFixed(2),
        'rss MB': +mem.rss_mb.toFixed(1),
        'peak rss MB': +mem.peak_mb.toFixed(1),
      });
    }
    rows.push({ gateway: '(upstream direct)', connections, 'req/s': Math.round(direct.requests.average), errors: direct.errors + direct.non2xx, 'p50 ms': direct.latency.p50, 'p99 ms': direct.latency.p99 });
  }
  console.table(rows);
  // Again once every server has served the load runs: a long-running server's steady state (V8 has optimised its hot code).
  const warm = await probeInTurns(probed, probes);
  const lat = latencyTable(gateways, noLoad);
  const warmLat = latencyTable(gateways, warm);
  console.log(`latency without load (one client, sequential, ${probes} requests per side, the sides taking turns, hrtime), right after start (200 requests of warm-up):`);
  console.table(lat);
  console.log('the same after the load runs (warm):');
  console.table(warmLat);
  for (const name of gateways.filter((g) => g !== 'portkey'))
    for (const c of [10, 100]) {
      const l = rows.find((r) => r.gateway === name && r.connections === c);
      const p = rows.find((r) => r.gateway === 'portkey' && r.connections === c);
      console.log(`${name} c=${c}: requests/s vs Portkey = ${(l['req/s'] / p['req/s']).toFixed(2)}x (goal >= 4x), RSS ${l['rss MB']} / ${p['rss MB']} MB (goal <=)`);
    }
  console.log(`added p50 latency without load (goal <= 0.5 ms), after start / warm: ${gateways.map((g) => `${g} ${lat[g]['added p50 ms']} / ${warmLat[g]['added p50 ms']} ms`).join(', ')}`);
  if (!process.argv.includes('--no-stages')) await printStages(targets, measured, arg('profile'));
  const ended = Promise.all([llmos, lean, ...(before ? [before] : [])].map((k) => new Promise((r) => (k.c.exitCode !== null ? r() : k.c.once('exit', r)))));
  kids.forEach((k) => k.c.kill('SIGTERM'));
  await Promise.race([ended, new Promise((r) => setTimeout(r, 5000))]);
  process.exit(0);
}

/** p50 and p99 of each gateway's probe, and what it adds to the upstream's own. */
function latencyTable(gateways, probed) {
  const ms = (x) => +x.toFixed(3);
  const lat = Object.fromEntries(gateways.map((n) => [n, { 'p50 ms': ms(probed[n].p50), 'p99 ms': ms(probed[n].p99), 'added p50 ms': ms(probed[n].p50 - probed.upstream.p50), 'added p99 ms': ms(probed[n].p99 - probed.upstream.p99) }]));
  lat.upstream = { 'p50 ms': ms(probed.upstream.p50), 'p99 ms': ms(probed.upstream.p99) };
  return lat;
}

/**
 * CPU per request by stage: each LLMOS server profiles itself (node:inspector,
 * started and stopped over IPC) during one more c=10 run, and the profile is
 * split by cpu-stages.mjs. Profiling slows the server, so these runs are not
 * in the table above; the shares are what matter.
 */
async function printStages(targets, measured, dir) {
  const { stagesOf } = await import('./cpu-stages.mjs');
  const out = dir ?? mkdtempSync(join(tmpdir(), 'llmos-bench-prof-'));
  mkdirSync(out, { recursive: true });
  for (const name of ['llmos', 'llmos-lean']) {
    const t = targets[name];
    const file = join(out, `${name}.cpuprofile`);
    await ask(t.kid.c, { profile: 'start' });
    const { r, cpuMsPerReq } = await measured(t, 10);
    await ask(t.kid.c, { profile: 'stop', file });
    console.log(`${name}: CPU per request by stage (c=10 while profiling, ${Math.round(r.requests.average)} req/s, ${cpuMsPerReq.toFixed(3)} cpu ms/req incl. profiler; ${file}):`);
    console.table(stagesOf(file, cpuMsPerReq));
  }
}

/** Sends a message to a child over IPC and waits for its answer. */
const ask = (c, msg) => new Promise((res) => (c.once('message', res), c.send(msg)));

// ---- child roles -----------------------------------------------------------
if (process.argv[2] === '--serve-upstream') {
  const { startInstantUpstream } = await import('../fixtures/instant-upstream.mjs');
  const u = await startInstantUpstream({ port: Number(process.argv[3]) });
  process.stdout.write(`ready ${u.port}\n`);
} else if (process.argv[2] === '--serve-llmos') {
  const [port, baseURL, model] = process.argv.slice(3);
  const dist = process.env.LLMOS_BENCH_DIST ?? join(ROOT, 'dist'); // another build, for A/B runs of kernel changes
  await asServed(dist);
  const { boot } = await import(join(dist, 'src/boot.js'));
  const { serveHttp } = await import(join(dist, 'src/mcp/http.js'));
  const dataDir = serverDataDir();
  const openaiOptions = { base_url: baseURL, probe_on_start: false, http_client: process.env.LLMOS_BENCH_HTTP ?? 'pool', models: [{ id: model, concurrency: 1024 }] };
  const { kernel } = process.env.LLMOS_BENCH_CONFIG === 'default' ? await bootProduct(dist, boot, dataDir, openaiOptions) : await bootLean(dist, boot, dataDir, baseURL, model, openaiOptions);
  await serveHttp(kernel, { host: '127.0.0.1', port: Number(port), token: TOKEN });
  process.once('SIGTERM', () => (rmSync(dataDir, { recursive: true, force: true }), process.exit(0)));
  process.on('message', (m) => void profiler(m).then((r) => process.send(r)));
  process.stdout.write(`ready ${port}\n`);
} else {
  await main();
}

/** The product: the repo's llmos.plugins.json as `llmos serve` reads it, with model-openai pointed at the instant upstream. */
async function bootProduct(dist, boot, dataDir, openaiOptions) {
  const { readPluginConfig, withOptionOverrides } = await import(join(dist, 'src/loader/config.js'));
  const config = withOptionOverrides(readPluginConfig(process.env.LLMOS_BENCH_CONFIG_FILE ?? join(ROOT, 'llmos.plugins.json')), { 'model-openai': openaiOptions });
  return boot({ config, dataDir });
}

/**
 * The lean line: sched-fcfs + alloc-rules + model-openai and the gateway routes, nothing else.
 * LLMOS_BENCH_BACKEND swaps the model backend (see the header).
 */
async function bootLean(dist, boot, dataDir, baseURL, model, openaiOptions) {
  const plugin = async (name) => (await import(join(dist, `plugins/${name}/index.js`))).default;
  const openai = await plugin('model-openai');
  const backend = process.env.LLMOS_BENCH_BACKEND;
  const models =
    backend === 'lean'
      ? { name: 'bench-lean-model', version: '1.0.0', provides: ['model'], register: (s) => s.model(leanBackend(baseURL, model)) }
      : backend?.startsWith('sdk-json')
        ? { name: 'bench-sdk-json-model', version: '1.0.0', provides: ['model'], register: (s) => s.model(sdkJsonBackend(baseURL, model, ROOT, backend === 'sdk-json-httpfetch')) }
        : { ...openai, register: (s) => openai.register(s, openai.options.parse(openaiOptions)) };
  return boot({ inline: [await plugin('sched-fcfs'), await plugin('alloc-rules'), models, await plugin('gateway-openai')], dataDir });
}

let session;
/** {profile: 'start'} starts the V8 CPU profiler in this server, {profile: 'stop', file} writes what it took. */
async function profiler(m) {
  const { Session } = await import('node:inspector/promises');
  if (m.profile === 'start') {
    session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    return { ok: true };
  }
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(m.file, JSON.stringify(profile));
  session.disconnect();
  return { ok: true };
}

/**
 * Bench-only comparison point (LLMOS_BENCH_BACKEND=lean): a ModelBackend that calls the
 * upstream with one non-streaming node:http request on a keep-alive agent, to show what
 * the openai SDK's streaming path costs model-openai. Not a product backend.
 */
/** Bench-only (LLMOS_BENCH_BACKEND=sdk-json): the openai SDK without streaming, to split SDK cost from streaming cost. */
function sdkJsonBackend(baseURL, id, root, httpFetch) {
  let client;
  const info = { id, version: '1', backend: 'bench-sdk-json', capabilities: { context_window: 8192, max_output_tokens: 2048, streaming: false, tool_calling: false }, pricing: { input_per_1k: 0, output_per_1k: 0 }, expected_tokens_per_s: 1000, concurrency: 1024 };
  return {
    info,
    async complete(req, { signal }) {
      client ??= new (await import(createRequire(join(root, 'package.json')).resolve('openai'))).default({ baseURL, apiKey: 'x', maxRetries: 0, ...(httpFetch && { fetch: nodeHttpFetch() }) });
      const r = await client.chat.completions.create({ model: id, messages: req.messages, max_tokens: req.max_tokens }, { signal });
      return { text: r.choices[0].message.content ?? '', usage: { prompt_tokens: r.usage.prompt_tokens, completion_tokens: r.usage.completion_tokens }, finish_reason: r.choices[0].finish_reason };
    },
    health: async () => ({ ok: true }),
    close: async () => {},
  };
}

/** A minimal fetch over node:http with a keep-alive agent (buffered bodies), handed to the openai SDK as its `fetch`. */
function nodeHttpFetch() {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  return (url, init = {}) =>
    new Promise((resolve, reject) => {
      const u = new URL(String(url));
      const headers = Object.fromEntries(new Headers(init.headers).entries());
      const r = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: init.method ?? 'GET', agent, signal: init.signal ?? undefined, headers }, (res) => {
        const chunks = [];
        res.on('data', (d) => chunks.push(d));
        res.on('end', () => {
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
          resolve(new Response(Buffer.concat(chunks), { status: res.statusCode, headers: h }));
        });
        res.on('error', reject);
      });
      r.on('error', reject);
      r.end(init.body ?? undefined);
    });
}

function leanBackend(baseURL, id) {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const u = new URL(`${baseURL}/chat/completions`);
  return {
    info: { id, version: '1', backend: 'bench-lean', capabilities: { context_window: 8192, max_output_tokens: 2048, streaming: false, tool_calling: false }, pricing: { input_per_1k: 0, output_per_1k: 0 }, expected_tokens_per_s: 1000, concurrency: 1024 },
    complete: (req, { signal }) =>
      new Promise((resolve, reject) => {
        const body = JSON.stringify({ model: id, messages: req.messages, max_tokens: req.max_tokens });
        const r = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent, signal, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d) => (text += d));
          res.on('end', () => {
            const j = JSON.parse(text);
            resolve({ text: j.choices[0].message.content, usage: { prompt_tokens: j.usage.prompt_tokens, completion_tokens: j.usage.completion_tokens }, finish_reason: j.choices[0].finish_reason });
          });
        });
        r.on('error', reject);
        r.end(body);
      }),
    health: async () => ({ ok: true }),
    close: async () => agent.destroy(),
  };
}
