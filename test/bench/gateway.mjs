// Benchmark: LLMOS's OpenAI-compatible gateway vs Portkey's open-source gateway
// (npm @portkey-ai/gateway), both in front of the same instant local upstream
// (test/fixtures/instant-upstream.mjs), driven by autocannon with the same request.
//
//   npm run build && node test/bench/gateway.mjs [--duration 4] [--deps /work/benchdeps] [--profile <dir>]
//
// Needs `@portkey-ai/gateway` and `autocannon` in a folder with its own package.json
// (default /work/benchdeps, or $LLMOS_BENCH_DEPS). Every server runs in its own
// child process; figures go to stdout. LLMOS runs sched-fcfs + alloc-rules + model-openai
// (the product path). For diagnosis, LLMOS_BENCH_BACKEND swaps the model backend:
//   lean                a non-streaming node:http call (no openai SDK), the floor of the kernel + gateway;
//   sdk-json            the openai SDK without streaming;
//   sdk-json-httpfetch  the same with a node:http `fetch` handed to the SDK;
// LLMOS_BENCH_HTTP=fetch runs model-openai on Node's built-in fetch instead of its node:http adapter
// (option httpClient), and LLMOS_BENCH_DIST=<dir> serves LLMOS from another build (A/B of kernel changes).
// The machine's load moves req/s a lot between runs; `cpu ms/req` of each server is the steadier figure.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request, Agent } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const TOKEN = 'bench-token';
const BODY = JSON.stringify({ model: 'instant', messages: [{ role: 'user', content: 'Say hello to the benchmark.' }], max_tokens: 16 });

// ---- the driver --------------------------------------------------------------
function child(args, env = {}) {
  const c = spawn(process.execPath, args, { env: { ...process.env, LLMOS_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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

/** Sequential requests on one keep-alive socket, timed with hrtime: latency at no load, µs resolution. */
async function probe(url, headers, n) {
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
  for (let i = 0; i < 200; i++) await one(); // warm-up
  const ms = [];
  for (let i = 0; i < n; i++) ms.push(await one());
  agent.destroy();
  ms.sort((a, b) => a - b);
  return { p50: ms[Math.floor(n * 0.5)], p99: ms[Math.floor(n * 0.99)] };
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
  const [UP, LL, PK] = [18901, 18902, 18903];
  const kids = [];
  process.on('exit', () => kids.forEach((k) => k.c.kill('SIGKILL')));
  const upstream = child([fileURLToPath(import.meta.url), '--serve-upstream', String(UP)]);
  kids.push(upstream);
  await waitHttp(`http://127.0.0.1:${UP}/v1/models`);
  const baseURL = `http://127.0.0.1:${UP}/v1`;
  const profile = arg('profile'); // a folder: write a CPU profile of the LLMOS server there
  const llmos = child([...(profile ? ['--cpu-prof', '--cpu-prof-dir', profile] : []), fileURLToPath(import.meta.url), '--serve-llmos', String(LL), baseURL, 'instant'], { LLMOS_MAX_CONNECTIONS_PER_CLIENT: '10000' }); // one benchmark client opens 100 connections
  kids.push(llmos);
  const portkey = child([portkeyBin, `--port=${PK}`, '--headless']);
  kids.push(portkey);
  await waitHttp(`http://127.0.0.1:${LL}/healthz`);
  await waitHttp(`http://127.0.0.1:${PK}/`);

  const targets = {
    upstream: { url: `${baseURL}/chat/completions`, headers: { authorization: `Bearer ${TOKEN}` }, pid: upstream.c.pid },
    llmos: { url: `http://127.0.0.1:${LL}/v1/chat/completions`, headers: { authorization: `Bearer ${TOKEN}` }, pid: llmos.c.pid },
    portkey: { url: `http://127.0.0.1:${PK}/v1/chat/completions`, headers: { authorization: `Bearer ${TOKEN}`, 'x-portkey-provider': 'openai', 'x-portkey-custom-host': baseURL }, pid: portkey.c.pid },
  };
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
  console.log(`gateway benchmark: ${duration} s per run, body ${Buffer.byteLength(BODY)} B, node ${process.version}, ${(await import('node:os')).cpus().length} cpus`);
  const noLoad = {};
  for (const name of ['upstream', 'llmos', 'portkey']) noLoad[name] = await probe(targets[name].url, targets[name].headers, 2000);
  for (const connections of [10, 100]) {
    const direct = await run(targets.upstream, connections);
    for (const name of ['llmos', 'portkey']) {
      const cpu0 = cpuSeconds(targets[name].pid);
      const r = await run(targets[name], connections);
      const cpuMsPerReq = ((cpuSeconds(targets[name].pid) - cpu0) * 1000) / r.requests.total;
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
  const lat = Object.fromEntries(['llmos', 'portkey'].map((n) => [n, { 'p50 ms': +noLoad[n].p50.toFixed(3), 'p99 ms': +noLoad[n].p99.toFixed(3), 'added p50 ms': +(noLoad[n].p50 - noLoad.upstream.p50).toFixed(3), 'added p99 ms': +(noLoad[n].p99 - noLoad.upstream.p99).toFixed(3) }]));
  lat.upstream = { 'p50 ms': +noLoad.upstream.p50.toFixed(3), 'p99 ms': +noLoad.upstream.p99.toFixed(3) };
  console.log('latency without load (one client, sequential, 2,000 requests, hrtime):');
  console.table(lat);
  for (const c of [10, 100]) {
    const l = rows.find((r) => r.gateway === 'llmos' && r.connections === c);
    const p = rows.find((r) => r.gateway === 'portkey' && r.connections === c);
    console.log(`c=${c}: LLMOS/Portkey requests/s = ${(l['req/s'] / p['req/s']).toFixed(2)}x (goal >= 2x)`);
  }
  console.log(`added p50 latency without load: LLMOS ${lat.llmos['added p50 ms']} ms (goal <= 1 ms), Portkey ${lat.portkey['added p50 ms']} ms`);
  const ended = new Promise((r) => (llmos.c.exitCode !== null ? r() : llmos.c.once('exit', r)));
  kids.forEach((k) => k.c.kill('SIGTERM'));
  await Promise.race([ended, new Promise((r) => setTimeout(r, 5000))]);
  process.exit(0);
}

// ---- child roles -----------------------------------------------------------
if (process.argv[2] === '--serve-upstream') {
  const { startInstantUpstream } = await import('../fixtures/instant-upstream.mjs');
  const u = await startInstantUpstream({ port: Number(process.argv[3]) });
  process.stdout.write(`ready ${u.port}\n`);
} else if (process.argv[2] === '--serve-llmos') {
  const [port, baseURL, model] = process.argv.slice(3);
  const dist = process.env.LLMOS_BENCH_DIST ?? join(ROOT, 'dist'); // another build, for A/B runs of kernel changes
  const { boot } = await import(join(dist, 'src/boot.js'));
  const { serveHttp } = await import(join(dist, 'src/mcp/http.js'));
  const { mountOpenAiRoutes } = await import(join(dist, 'plugins/gateway-openai/index.js'));
  const { kernelApi } = await import(join(dist, 'src/kernel/api.js')); // the gateway sees KernelApi, as a plugin does
  const plugin = async (name) => (await import(join(dist, `plugins/${name}/index.js`))).default;
  const openai = await plugin('model-openai');
  const models =
    process.env.LLMOS_BENCH_BACKEND === 'lean'
      ? { name: 'bench-lean-model', version: '1.0.0', provides: ['model'], register: (s) => s.model(leanBackend(baseURL, model)) }
      : process.env.LLMOS_BENCH_BACKEND?.startsWith('sdk-json')
        ? { name: 'bench-sdk-json-model', version: '1.0.0', provides: ['model'], register: (s) => s.model(sdkJsonBackend(baseURL, model, ROOT, process.env.LLMOS_BENCH_BACKEND === 'sdk-json-httpfetch')) }
        : { ...openai, register: (s) => openai.register(s, openai.options.parse({ baseURL, probeOnStart: false, httpClient: process.env.LLMOS_BENCH_HTTP ?? 'node-http', models: [{ id: model, concurrency: 1024 }] })) };
  const inline = [await plugin('sched-fcfs'), await plugin('alloc-rules'), models];
  const { kernel } = await boot({ inline });
  await serveHttp(kernel, { host: '127.0.0.1', port: Number(port), token: TOKEN, mount: (app) => mountOpenAiRoutes(app, kernelApi(kernel)) });
  process.once('SIGTERM', () => process.exit(0)); // lets --cpu-prof write its profile
  process.stdout.write(`ready ${port}\n`);
} else {
  await main();
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
