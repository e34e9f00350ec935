// Tokens/s through LLMOS (kernel + model-openai) against the same llama.cpp
// server called directly with the openai package, same prompts, in one run;
// then the same prompts in-process through model-llamacpp.
//
//   npm run build && node test/bench/tokens-per-s.mjs [--rounds 2] [--max-tokens 32] [--no-inprocess]
//   (LLMOS_BENCH_VERBOSE=1 prints every pair)
//
// Starts llama.cpp's server (xllamacpp, from `bash test/setup/install.sh`) on
// a free loopback port unless LLMOS_BENCH_BASE_URL points at one. Direct and
// LLMOS calls alternate (ABBA) so drift in machine load hits both alike.
// Goal: LLMOS >= 98% of direct.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { CACHE, freePort, MODEL, PROMPTS as ALL_PROMPTS } from './llama-common.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = join(ROOT, 'dist');
if (!existsSync(join(DIST, 'src/boot.js'))) throw new Error('dist/ is missing: run `npm run build` first.');
const { boot } = await import(join(DIST, 'src/boot.js'));
const { definePlugin } = await import(join(DIST, 'src/plugin-api/index.js'));
const { createLogger } = await import(join(DIST, 'src/kernel/log.js'));

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const ROUNDS = arg('rounds', 2);
const MAX_TOKENS = arg('max-tokens', 32);
const PROMPTS = ALL_PROMPTS.slice(0, 4);
const INPROCESS = !process.argv.includes('--no-inprocess');

/** The llama.cpp server: the given one, or one started here (killed at exit, and on stdin EOF). */
async function llamaServer() {
  if (process.env.LLMOS_BENCH_BASE_URL) return { baseURL: process.env.LLMOS_BENCH_BASE_URL, stop: async () => {} };
  const python = join(CACHE, 'venv', 'bin', 'python');
  for (const f of [python, MODEL]) if (!existsSync(f)) throw new Error(`${f} is missing: run \`bash test/setup/install.sh\`.`);
  const port = await freePort();
  const child = spawn(python, [join(ROOT, 'test/setup/llama_server.py'), '--model', MODEL, '--port', String(port), '--threads', '2', '--parallel', '1', '--ctx-size', '4096', '--exit-on-stdin-eof'], { stdio: ['pipe', 'ignore', 'ignore'] });
  process.on('exit', () => child.kill('SIGKILL'));
  const baseURL = `http://127.0.0.1:${port}/v1`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`llama server exited with ${child.exitCode}`);
    if (await fetch(`${baseURL}/models`).then((r) => r.ok, () => false)) break;
    if (i > 600) throw new Error('llama server did not start within 120 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return { baseURL, stop: async () => (child.stdin.end(), child.kill('SIGTERM'), await new Promise((r) => child.once('exit', r))) };
}

/** A kernel from a real config file: sched-fcfs, the given plugin, and a one-line allocator taking the first model. */
async function bootWith(plugin, options) {
  const dir = mkdtempSync(join(tmpdir(), 'llmos-bench-'));
  const config = join(dir, 'llmos.plugins.json');
  writeFileSync(config, JSON.stringify({ plugins: [{ name: 'sched-fcfs', module: join(ROOT, 'plugins/sched-fcfs') }, { name: plugin, module: join(ROOT, 'plugins', plugin), options }] }));
  const first = definePlugin({
    name: 'bench-first',
    version: '1.0.0',
    provides: ['allocator'],
    register: (s) => s.allocator('first', () => ({ name: 'first', choose: (_t, c) => ({ model: c[0].id, reason: 'bench', scores: {} }) })),
  });
  const { kernel, stop } = await boot({ config, inline: [first], dataDir: join(dir, 'data'), logger: createLogger('silent') });
  return { kernel, stop: async () => (await stop(), rmSync(dir, { recursive: true, force: true })) };
}

/** Runs one prompt through the kernel; returns completion tokens and seconds from spawn to exit. */
async function viaKernel(kernel, prompt) {
  const t0 = performance.now();
  const p = kernel.spawn({ prompt, max_tokens: MAX_TOKENS, temperature: 0, seed: 1 }, 'bench');
  const done = await kernel.procs.wait(p.pid, 600_000);
  if (done.exit !== 'ok') throw new Error(`pid ${p.pid} exited ${done.exit}: ${done.error?.message}`);
  const a = done.attempts[0];
  if (process.env.LLMOS_BENCH_VERBOSE && a.error) console.error(`attempt 1 failed: ${a.error.code} ${a.error.message}`);
  return { tokens: done.usage.completion_tokens, secs: (performance.now() - t0) / 1000, queued_ms: a.started - done.created, call_ms: a.finished - a.started, attempts: done.attempts.length };
}

/** The same request, straight to the server with the openai package (streamed, usage included). */
async function direct(client, model, prompt) {
  const t0 = performance.now();
  const stream = await client.chat.completions.create({ model, messages: [{ role: 'user', content: prompt }], max_tokens: MAX_TOKENS, temperature: 0, seed: 1, stream: true, stream_options: { include_usage: true } });
  let tokens = 0;
  for await (const c of stream) if (c.usage) tokens = c.usage.completion_tokens;
  return { tokens, secs: (performance.now() - t0) / 1000 };
}

const add = (acc, r) => ((acc.tokens += r.tokens), (acc.secs += r.secs), acc);
const rate = (a) => a.tokens / a.secs;
const fmt = (name, a) => `${name.padEnd(34)} ${String(a.tokens).padStart(5)} tokens  ${a.secs.toFixed(2).padStart(7)} s  ${rate(a).toFixed(1).padStart(6)} tokens/s`;

const server = await llamaServer();
const client = new OpenAI({ baseURL: server.baseURL, apiKey: 'none', maxRetries: 0 });
const upstream = (await client.models.list()).data[0].id;
const os = await bootWith('model-openai', { base_url: server.baseURL, api_key_env: 'LLMOS_BENCH_NO_KEY', probe_on_start: false, models: [{ id: 'bench/smollm2', model: upstream, context_window: 4096, max_output_tokens: 2048, concurrency: 1 }] });
// Follow every process's tokens, so LLMOS streams from the server exactly as the direct
// calls do (without a listener the kernel asks for one JSON answer, which is faster).
let streamed = 0;
os.kernel.procs.on('token', () => void streamed++);
try {
  for (const prompt of PROMPTS.slice(0, 2)) await direct(client, upstream, prompt), await viaKernel(os.kernel, prompt); // warm-up: connections, server slot
  const d = { tokens: 0, secs: 0 };
  const l = { tokens: 0, secs: 0 };
  const pairRatios = [];
  for (let round = 0; round < ROUNDS; round++)
    for (const [i, prompt] of PROMPTS.entries()) {
      const directFirst = (round + i) % 2 === 0;
      const a = directFirst ? await direct(client, upstream, prompt) : undefined;
      const b = await viaKernel(os.kernel, prompt);
      const c = a ?? (await direct(client, upstream, prompt));
      add(d, c);
      add(l, b);
      pairRatios.push(rate(b) / rate(c));
      if (process.env.LLMOS_BENCH_VERBOSE) console.error(`round ${round} prompt ${i} ${directFirst ? "direct-first" : "llmos-first"}: direct ${c.secs.toFixed(3)} s/${c.tokens}, llmos ${b.secs.toFixed(3)} s/${b.tokens} (queued ${b.queued_ms} ms, call ${b.call_ms} ms, attempts ${b.attempts})`);
    }
  pairRatios.sort((x, y) => x - y);
  const median = pairRatios[Math.floor(pairRatios.length / 2)];
  console.log(`llama.cpp server ${server.baseURL}, ${PROMPTS.length} prompts x ${ROUNDS} rounds, max_tokens ${MAX_TOKENS}, temperature 0, sequential`);
  console.log(fmt('direct (openai package)', d));
  console.log(fmt('through LLMOS (kernel+model-openai)', l) + `  (${streamed} streamed chunks)`);
  console.log(`LLMOS / direct = ${((100 * rate(l)) / rate(d)).toFixed(1)}% overall; median over ${pairRatios.length} back-to-back pairs ${(100 * median).toFixed(1)}% (goal >= 98%; the median resists load spikes from other processes)`);
} finally {
  await os.stop();
  await server.stop();
}

if (INPROCESS) {
  const t0 = performance.now();
  const local = await bootWith('model-llamacpp', { model_path: MODEL, threads: 2, concurrency: 1 });
  const loadMs = performance.now() - t0;
  try {
    await viaKernel(local.kernel, 'Hi.');
    const a = { tokens: 0, secs: 0 };
    for (const prompt of PROMPTS) add(a, await viaKernel(local.kernel, prompt));
    console.log(`in-process model-llamacpp: boot + SmolLM2 load ${loadMs.toFixed(0)} ms (model ${local.kernel.models.must('smollm2-135m').backend.loadMs} ms)`);
    console.log(fmt('in-process (kernel+model-llamacpp)', a));
  } finally {
    await local.stop();
  }
}
