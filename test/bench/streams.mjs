// Benchmark: streams at scale. N concurrent streamed chat completions (default 1,000) against a
// local upstream that takes --answer-ms (5 s) per answer and streams its --tokens words evenly over
// that time, through four paths side by side in one run: the upstream directly, LLMOS (the
// repo's llmos.plugins.json with model-openai pointed at the upstream), Portkey 1.15.2, and
// bare-relay.mjs, a node:http relay with no kernel: the floor of any Node gateway here.
//
//   npm run build && node test/bench/streams.mjs [--streams 1000] [--answer-ms 5000] [--tokens 20]
//                                               [--ramp-ms 2000] [--rounds 2] [--deps /work/benchdeps]
//                                               [--profile <dir>]
//
// Streams start --ramp-ms apart in total (all N are open together once the ramp is over, since
// each lasts --answer-ms); the sides alternate (direct, llmos, portkey, bare-relay, then reversed) so that
// load drift hits all of them. Per stream: time to first token (the first content delta),
// time to [DONE], and whether the text is the upstream's whole answer. Per gateway: peak RSS
// over the run (VmHWM) and CPU seconds it and the upstream used during its side. Needs `@portkey-ai/gateway` in --deps (see test/bench/gateway.mjs).
// --profile <dir> runs the LLMOS server under --cpu-prof and keeps its .cpuprofile in <dir>.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
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
const MODEL = 'slow';
const STREAMS = Number(arg('streams', 1000));
const ANSWER_MS = Number(arg('answer-ms', 5000));
const TOKENS = Number(arg('tokens', 20));
const RAMP_MS = Number(arg('ramp-ms', 2000));
const ROUNDS = Number(arg('rounds', 2));
const PROFILE = arg('profile');
const words = (i) => Array.from({ length: TOKENS }, (_, k) => `w${k}-${i}`);
const answerOf = (prompt) => words(Number(/#(\d+)/.exec(prompt)?.[1] ?? 0)).join(' ');
const bodyOf = (i) => JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: `stream #${i}` }], max_tokens: TOKENS * 4, stream: true });

// ---- the upstream: an OpenAI-compatible server that streams one word every answer-ms/tokens ----------
function serveUpstream(port) {
  const server = createServer((req, res) => {
    if (req.method === 'GET') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: [{ id: MODEL, object: 'model', created: 0, owned_by: 'bench' }] }));
    // Only chat completions: a client probing llama.cpp's /tokenize or /apply-template learns it is not here.
    if (!req.url.endsWith('/chat/completions')) return res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found","type":"invalid_request_error","code":null}}');
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const text = answerOf(body.messages.at(-1).content);
      const id = `chatcmpl-${Math.random().toString(36).slice(2)}`;
      const chunk = (delta, finish, extra = {}) => `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 0, model: MODEL, choices: delta ? [{ index: 0, delta, finish_reason: finish, logprobs: null }] : [], ...extra })}\n\n`;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write(chunk({ role: 'assistant', content: '' }, null));
      const list = text.split(' ');
      let k = 0;
      const timer = setInterval(() => {
        if (res.destroyed) return clearInterval(timer);
        res.write(chunk({ content: k ? ` ${list[k]}` : list[k] }, null));
        if (++k < list.length) return;
        clearInterval(timer);
        res.write(chunk({}, 'stop'));
        if (body.stream_options?.include_usage) res.write(chunk(null, null, { usage: { prompt_tokens: 4, completion_tokens: list.length, total_tokens: 4 + list.length } }));
        res.end('data: [DONE]\n\n');
      }, ANSWER_MS / TOKENS);
    });
  });
  server.keepAliveTimeout = 30_000;
  server.maxConnections = Infinity;
  server.listen(port, '127.0.0.1', () => process.stdout.write(`ready ${port}\n`));
}

/** LLMOS as `llmos serve` runs it: the repo's plugin config, model-openai pointed at the upstream. */
async function serveLlmos(port, baseURL) {
  const dist = process.env.LLMOS_BENCH_DIST ?? join(ROOT, 'dist'); // another build, for A/B runs
  await asServed(dist);
  const { boot } = await import(join(dist, 'src/boot.js'));
  const { serveHttp } = await import(join(dist, 'src/mcp/http.js'));
  const { readPluginConfig, withOptionOverrides } = await import(join(dist, 'src/loader/config.js'));
  const models = [{ id: MODEL, concurrency: STREAMS, max_output_tokens: 4096 }];
  const config = withOptionOverrides(readPluginConfig(join(dist, '..', 'llmos.plugins.json')), { 'model-openai': { base_url: baseURL, api_key_env: 'LLMOS_BENCH_NO_KEY', probe_on_start: false, models } });
  const dataDir = serverDataDir();
  const { kernel, stop } = await boot({ config, dataDir });
  await serveHttp(kernel, { host: '127.0.0.1', port, token: TOKEN });
  process.once('SIGTERM', async () => {
    await stop();
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
  process.stdout.write(`ready ${port}\n`);
}

// ---- the driver --------------------------------------------------------------
function child(args, env = {}, node = []) {
  const c = spawn(process.execPath, [...node, ...args], { env: { ...process.env, LLMOS_LOG_LEVEL: 'warn', LLMOS_BENCH_SCRATCH: benchScratch(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  c.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
  c.on('exit', (code, sig) => code && process.stderr.write(`child ${args.join(' ')} exited ${code ?? sig}: ${err}\n`));
  return c;
}

async function waitHttp(url, init) {
  for (let i = 0; i < 1200; i++) {
    if (await fetch(url, init).then((r) => r.status < 500, () => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not answer`);
}

const status = (pid) => readFileSync(`/proc/${pid}/status`, 'utf8');
const kb = (s, k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0) / 1024;
/** CPU seconds a process has used (user + system; Linux counts in 1/100 s). */
const cpuSeconds = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

/** One streamed completion: ms to the first content delta and to [DONE], and whether the text is whole. */
function stream(t, i, agent) {
  return new Promise((done) => {
    const u = new URL(t.url);
    const body = bodyOf(i);
    const t0 = performance.now();
    let ttft;
    let text = '';
    let buf = '';
    const fail = (why) => done({ ok: false, why });
    const r = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...t.headers } }, (res) => {
      if (res.statusCode !== 200) return res.resume(), fail(`status ${res.statusCode}`);
      res.setEncoding('utf8');
      res.on('data', (d) => {
        buf += d;
        let at;
        while ((at = buf.indexOf('\n\n')) >= 0) {
          const ev = buf.slice(0, at);
          buf = buf.slice(at + 2);
          if (!ev.startsWith('data: ') || ev === 'data: [DONE]') continue;
          const piece = JSON.parse(ev.slice(6)).choices?.[0]?.delta?.content;
          if (piece) (ttft ??= performance.now() - t0), (text += piece);
        }
      });
      res.on('end', () => (text === answerOf(`#${i}`) ? done({ ok: true, ttft, total: performance.now() - t0 }) : fail(`text ${JSON.stringify(text.slice(0, 60))}`)));
      res.on('error', (e) => fail(e.message));
    });
    r.on('error', (e) => fail(e.message));
    r.end(body);
  });
}

const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor(xs.length * p))];

/** N streams started RAMP_MS apart in total; all open together for ANSWER_MS - RAMP_MS. */
async function runSide(name, t, upstreamPid) {
  const cpuBefore = t.pid ? cpuSeconds(t.pid) : 0;
  const upstreamBefore = cpuSeconds(upstreamPid);
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const startedAt = performance.now();
  const all = [];
  for (let i = 0; i < STREAMS; i++) {
    const due = startedAt + (i * RAMP_MS) / STREAMS;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    all.push(stream(t, i, agent));
  }
  const results = await Promise.all(all);
  agent.destroy();
  const ok = results.filter((r) => r.ok);
  const ttft = ok.map((r) => r.ttft).sort((a, b) => a - b);
  const total = ok.map((r) => r.total).sort((a, b) => a - b);
  const whys = [...new Set(results.filter((r) => !r.ok).map((r) => r.why))].slice(0, 3);
  const cpu = t.pid ? +(cpuSeconds(t.pid) - cpuBefore).toFixed(2) : null;
  return { side: name, ok: ok.length, errors: results.length - ok.length, 'ttft p50': pct(ttft, 0.5), 'ttft p99': pct(ttft, 0.99), 'total p50': pct(total, 0.5), 'total p99': pct(total, 0.99), 'cpu s': cpu, 'upstream cpu s': +(cpuSeconds(upstreamPid) - upstreamBefore).toFixed(2), whys };
}

async function main() {
  const deps = resolve(arg('deps', process.env.LLMOS_BENCH_DEPS ?? '/work/benchdeps'));
  let portkeyBin;
  try {
    portkeyBin = join(dirname(createRequire(join(deps, 'package.json')).resolve('@portkey-ai/gateway/package.json')), 'build/start-server.js');
  } catch (e) {
    throw new Error(`install Portkey first: (mkdir -p ${deps} && cd ${deps} && npm init -y && npm i @portkey-ai/gateway@1.15.2) — ${e.message}`);
  }
  const [UP, LL, PK, BARE] = [18911, 18912, 18913, 18914];
  const self = fileURLToPath(import.meta.url);
  const pass = ['--streams', String(STREAMS), '--answer-ms', String(ANSWER_MS), '--tokens', String(TOKENS)];
  const kids = [];
  process.on('exit', () => kids.forEach((k) => k.kill('SIGKILL'))); // before benchScratch's removal, registered at the first child
  const upstream = child([self, '--serve-upstream', String(UP), ...pass]);
  const baseURL = `http://127.0.0.1:${UP}/v1`;
  // One benchmark client holds N connections: the per-address cap is raised for it, as an operator would for a load balancer in front.
  const llmos = child([self, '--serve-llmos', String(LL), baseURL, ...pass], { LLMOS_MAX_CONNECTIONS_PER_CLIENT: String(STREAMS * 2) }, PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${resolve(PROFILE)}`] : []);
  const portkey = child([portkeyBin, `--port=${PK}`, '--headless']);
  const bare = child([join(dirname(self), 'bare-relay.mjs'), String(BARE), baseURL, TOKEN]);
  kids.push(upstream, llmos, portkey, bare);
  await waitHttp(`${baseURL}/models`);
  await waitHttp(`http://127.0.0.1:${LL}/healthz`);
  await waitHttp(`http://127.0.0.1:${PK}/`);
  await waitHttp(`http://127.0.0.1:${BARE}/`);
  const targets = {
    direct: { url: `${baseURL}/chat/completions`, headers: {} },
    llmos: { url: `http://127.0.0.1:${LL}/v1/chat/completions`, headers: { authorization: `Bearer ${TOKEN}` }, pid: llmos.pid },
    portkey: { url: `http://127.0.0.1:${PK}/v1/chat/completions`, headers: { authorization: `Bearer ${TOKEN}`, 'x-portkey-provider': 'openai', 'x-portkey-custom-host': baseURL }, pid: portkey.pid },
    'bare-relay': { url: `http://127.0.0.1:${BARE}/v1/chat/completions`, headers: { authorization: `Bearer ${TOKEN}` }, pid: bare.pid },
  };
  for (const [name, t] of Object.entries(targets)) {
    const r = await stream(t, 7, new Agent());
    // Portkey 1.15.2 answers every streamed request through a custom host with 500 (a TypeError "immutable" in its
    // updateHeaders, on Node 20 and 22); it is still measured, so its errors and memory under the same load show.
    if (!r.ok && name !== 'portkey') throw new Error(`${name} did not stream the upstream's answer: ${r.why}`);
    if (!r.ok) console.log(`warning: ${name} did not stream the upstream's answer (${r.why}); its figures below count that as errors`);
  }
  console.log(`streams benchmark: ${STREAMS} streams started over ${RAMP_MS} ms, ${TOKENS} tokens over ${ANSWER_MS} ms each, ${ROUNDS} rounds, node ${process.version}`);
  const rows = [];
  const order = ['direct', 'llmos', 'portkey', 'bare-relay'];
  for (let round = 0; round < ROUNDS; round++) {
    const results = {};
    for (const name of round % 2 ? [...order].reverse() : order) results[name] = await runSide(name, targets[name], upstream.pid);
    for (const name of order) {
      const r = results[name];
      const mem = targets[name].pid ? status(targets[name].pid) : undefined;
      rows.push({
        round,
        ...r,
        whys: r.whys.join('; '),
        'added ttft p50': name === 'direct' ? null : +(r['ttft p50'] - results.direct['ttft p50']).toFixed(2),
        'added ttft p99': name === 'direct' ? null : +(r['ttft p99'] - results.direct['ttft p99']).toFixed(2),
        'rss MB': mem ? +kb(mem, 'VmRSS').toFixed(1) : null,
        'peak rss MB': mem ? +kb(mem, 'VmHWM').toFixed(1) : null,
      });
    }
  }
  for (const r of rows) for (const k of ['ttft p50', 'ttft p99', 'total p50', 'total p99']) r[k] = r[k] === undefined ? null : +r[k].toFixed(2);
  console.table(rows);
  const worst = (name, k) => Math.max(...rows.filter((r) => r.side === name).map((r) => r[k]));
  const errors = (name) => rows.filter((r) => r.side === name).reduce((s, r) => s + r.errors, 0);
  console.log(`LLMOS: ${errors('llmos')} errors (goal 0); added ttft p99, worst round: ${worst('llmos', 'added ttft p99')} ms (goal <= 5 ms); peak RSS ${worst('llmos', 'peak rss MB')} MB vs Portkey ${worst('portkey', 'peak rss MB')} MB (goal <=)`);
  console.log(`Portkey: ${errors('portkey')} errors; added ttft p99, worst round: ${worst('portkey', 'added ttft p99')} ms`);
  console.log(`bare-relay (no kernel, the floor): ${errors('bare-relay')} errors; added ttft p99, worst round: ${worst('bare-relay', 'added ttft p99')} ms; peak RSS ${worst('bare-relay', 'peak rss MB')} MB`);
  kids.forEach((k) => k.kill('SIGTERM'));
  await new Promise((r) => setTimeout(r, 1000));
  process.exit(0);
}

if (process.argv[2] === '--serve-upstream') serveUpstream(Number(process.argv[3]));
else if (process.argv[2] === '--serve-llmos') await serveLlmos(Number(process.argv[3]), process.argv[4]);
else await main();
