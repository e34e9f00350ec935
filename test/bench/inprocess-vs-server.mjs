// The in-process model (model-llamacpp on node-llama-cpp) against llama.cpp's own
// server (xllamacpp) on the same GGUF, prompts and threads, both through the official
// `openai` client: LLMOS's /v1 (`llmos serve --http`, the default config, model
// smollm2-135m, UV_THREADPOOL_SIZE=1 as `npm start` runs it) and the server
// (`--parallel 4`, as many slots as LLMOS's default sequences on a 2-core machine).
// Prints completion tokens/s, time to first token and the LLMOS/server ratios for 1
// and 4 concurrent callers, and the prefix-reuse gain (a 500-token shared system
// prompt, reuse on vs off, both in LLMOS).
//
//   npm run build && node test/bench/inprocess-vs-server.mjs [--requests 16] [--max-tokens 64] [--rounds 2] [--flush-ms 20]
//
// --flush-ms sets gateway-openai's stream_flush_ms (0: one socket write per token event, as the
// server writes them; default: the config's).
//
// Every phase alternates the sides in short blocks (ABBA, twice by default), so machine
// load hits both alike; on a shared machine run it several times and report the ranges.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import OpenAI from 'openai';
import { CACHE, freePort, MODEL, PROMPTS } from './llama-common.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const REQUESTS = arg('requests', 16);
const MAX_TOKENS = arg('max-tokens', 64);
const ROUNDS = arg('rounds', 2);
const FLUSH_MS = arg('flush-ms', undefined);
const THREADS = 2;
/** About 500 tokens of a system prompt every prefix-reuse request shares. */
const SHARED_PREFIX = `You are the help desk assistant of a small bakery. ${'The bakery opens at seven, sells bread, croissants, cakes and coffee, and closes at six; orders for cakes need two days. '.repeat(18)}Answer briefly.`;

if (!existsSync(join(ROOT, 'dist/src/cli.js'))) throw new Error('dist/ is missing: run `npm run build` first.');
const { kernelEnv } = await import(pathToFileURL(join(ROOT, 'dist/src/daemon/kernel-env.js')).href);
for (const f of [join(CACHE, 'venv', 'bin', 'python'), MODEL]) if (!existsSync(f)) throw new Error(`${f} is missing: run \`bash test/setup/install.sh\`.`);

const children = [];
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));

/** Starts a child and waits until `url` answers 200. */
async function serve(cmd, args, url, env = {}) {
  const child = spawn(cmd, args, { stdio: ['pipe', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  let err = '';
  child.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
  children.push(child);
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`${cmd} exited with ${child.exitCode}: ${err}`);
    if (await fetch(url).then((r) => r.ok, () => false)) break;
    if (i > 1200) throw new Error(`${url} did not answer within 240 s: ${err}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, stop: async () => (child.stdin.end(), child.kill('SIGTERM'), await new Promise((r) => child.once('exit', r))) };
}

async function llamaServer() {
  const port = await freePort();
  const py = join(CACHE, 'venv', 'bin', 'python');
  const args = [join(ROOT, 'test/setup/llama_server.py'), '--model', MODEL, '--port', String(port), '--threads', String(THREADS), '--parallel', '4', '--ctx-size', '4096', '--exit-on-stdin-eof'];
  const s = await serve(py, args, `http://127.0.0.1:${port}/v1/models`);
  const client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'none', maxRetries: 0, timeout: 600_000 });
  return { ...s, client, model: (await client.models.list()).data[0].id };
}

/** `llmos serve --http` on a fresh data dir; config: the default llmos.plugins.json, with model-llamacpp's options patched. */
async function llmos(llamacppOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'llmos-bench-'));
  const config = JSON.parse(readFileSync(join(ROOT, 'llmos.plugins.json'), 'utf8'));
  for (const p of config.plugins) {
    if (p.module?.startsWith('./')) p.module = join(ROOT, p.module);
    if (p.name === 'model-llamacpp') p.options = { ...p.options, model_path: MODEL, ...llamacppOptions };
    if (p.name === 'gateway-openai' && FLUSH_MS !== undefined) p.options = { ...p.options, stream_flush_ms: FLUSH_MS };
  }
  config.$schema = undefined;
  writeFileSync(join(dir, 'llmos.plugins.json'), JSON.stringify(config));
  const port = await freePort();
  const args = [join(ROOT, 'dist/src/cli.js'), 'serve', '--http', '--port', String(port), '--config', join(dir, 'llmos.plugins.json')];
  // As `npm start -- --http` and the daemon start a kernel: kernelEnv's thread pool.
  const env = { ...kernelEnv(), LLMOS_DATA_DIR: join(dir, 'data'), LLMOS_LOG_LEVEL: 'warn' };
  const s = await serve(process.execPath, args, `http://127.0.0.1:${port}/v1/models`, env);
  const client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'none', maxRetries: 0, timeout: 600_000 });
  return { ...s, client, model: 'smollm2-135m', stop: async () => (await s.stop(), rmSync(dir, { recursive: true, force: true })) };
}

/** One streamed request; completion tokens from the usage chunk, TTFT at the first content delta. */
async function call(side, messages) {
  const t0 = performance.now();
  const stream = await side.client.chat.completions.create({ model: side.model, messages, max_tokens: MAX_TOKENS, temperature: 0, seed: 1, stream: true, stream_options: { include_usage: true } });
  let tokens = 0;
  let ttft;
  for await (const c of stream) {
    if (ttft === undefined && c.choices?.[0]?.delta?.content) ttft = performance.now() - t0;
    if (c.usage) tokens = c.usage.completion_tokens;
  }
  return { tokens, ttft: ttft ?? performance.now() - t0 };
}

/** `n` requests over `callers` concurrent callers; aggregate completion tokens/s and mean TTFT. */
async function load(side, n, callers, messagesOf) {
  const t0 = performance.now();
  let next = 0;
  let tokens = 0;
  const ttfts = [];
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (next < n) {
        const i = next++;
        const r = await call(side, messagesOf(i));
        tokens += r.tokens;
        ttfts.push(r.ttft);
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  return { tokens, secs, ttft: ttfts.reduce((a, b) => a + b, 0) / ttfts.length };
}

const everyday = (i) => [{ role: 'user', content: PROMPTS[i % PROMPTS.length] }];
const prefixed = (i) => [{ role: 'system', content: SHARED_PREFIX }, { role: 'user', content: PROMPTS[i % PROMPTS.length] }];

/** A and B alternate in blocks of half the requests (A B B A), summed per side. */
async function abba(a, b, callers, messagesOf) {
  const half = Math.max(callers, Math.floor(REQUESTS / 2));
  const sum = { a: { tokens: 0, secs: 0, ttft: 0 }, b: { tokens: 0, secs: 0, ttft: 0 } };
  for (let r = 0; r < ROUNDS; r++)
    for (const who of ['a', 'b', 'b', 'a']) {
      const x = await load(who === 'a' ? a : b, half, callers, messagesOf);
      sum[who].tokens += x.tokens;
      sum[who].secs += x.secs;
      sum[who].ttft += x.ttft / (2 * ROUNDS);
    }
  return sum;
}

const rate = (x) => x.tokens / x.secs;
const line = (name, x) => `${name.padEnd(40)} ${String(x.tokens).padStart(6)} tokens ${x.secs.toFixed(1).padStart(7)} s ${rate(x).toFixed(1).padStart(7)} tokens/s   TTFT ${x.ttft.toFixed(0).padStart(6)} ms`;

const log = (m) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
/** The first call waits for the model load, which a loaded machine can stretch past undici's 300 s body timeout: retried. */
async function warm(side, messages) {
  for (let i = 0; ; i++)
    try {
      return await call(side, messages);
    } catch (e) {
      if (i >= 3) throw e;
      log(`warm-up call failed (${e.message}); again`);
    }
}

const server = await llamaServer();
const os = await llmos();
log('both sides up');
try {
  // Every slot/sequence once, as a server that has been up a while has them: the first
  // batch of several sequences allocates buffers on both sides (the server's first four
  // concurrent calls took 440 ms to a first token, later ones ~100).
  for (const side of [server, os]) await Promise.all([0, 1, 2, 3].map((i) => warm(side, everyday(i))));
  log('warmed up');
  console.log(`SmolLM2-135M-Instruct Q4_1, ${THREADS} threads, ${REQUESTS} requests x ${ROUNDS} round(s) per side and phase from ${PROMPTS.length} prompts, temperature 0, max_tokens ${MAX_TOKENS}, openai client, streamed${FLUSH_MS === undefined ? '' : `, LLMOS stream_flush_ms ${FLUSH_MS}`}`);
  for (const callers of [1, 4]) {
    const { a, b } = await abba(os, server, callers, everyday);
    log(`${callers} caller(s) done`);
    console.log(`-- ${callers} concurrent caller(s)`);
    console.log(line('llama.cpp server (--parallel 4)', b));
    console.log(line('LLMOS /v1, in-process model-llamacpp', a));
    console.log(`ratio LLMOS/server: tokens/s ${(rate(a) / rate(b)).toFixed(2)}  TTFT ${(a.ttft / b.ttft).toFixed(2)} (goal: tokens/s >= 0.90, TTFT <= 1.00)`);
  }
} finally {
  await os.stop();
  await server.stop();
}

// Prefix reuse: the same owner sends prompts sharing a ~500-token system prompt, one at a time.
const reuse = await llmos({ prefix_reuse: true });
const fresh = await llmos({ prefix_reuse: false });
try {
  await warm(reuse, prefixed(0));
  await warm(fresh, prefixed(0));
  const { a, b } = await abba(reuse, fresh, 1, prefixed);
  console.log(`-- prefix reuse: ${PROMPTS.length} prompts behind one ~500-token system prompt, 1 caller`);
  console.log(line('LLMOS, prefix_reuse false', b));
  console.log(line('LLMOS, prefix_reuse true (default)', a));
  console.log(`gain: TTFT ${(b.ttft / a.ttft).toFixed(2)}x shorter, request rate ${(rate(a) / rate(b)).toFixed(2)}x`);
} finally {
  await reuse.stop();
  await fresh.stop();
}
