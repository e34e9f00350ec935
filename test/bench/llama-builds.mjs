// Which llama.cpp build the in-process model should run on, and with which libuv pool:
// node-llama-cpp's prebuilt binary with libuv's pool at one thread (as a kernel runs,
// src/daemon/kernel-env.ts) and at Node's default four, against the one `llmos model build`
// compiles (OpenMP, this CPU's instruction sets) with libgomp's waiting as model-llamacpp
// sets it (GOMP_SPINCOUNT), as it set it before (OMP_WAIT_POLICY=active) and as libgomp
// defaults it. Raw LlamaCompletion generation, no LLMOS code in between: SmolLM2-135M Q4_1,
// 2 threads, temperature 0, the everyday prompts, 64 tokens each; then the CPU the loaded
// model burns while idle. Each side runs in its own process (libuv and libgomp read their
// settings once, at start), alternating A B C … C B A so load drift hits all.
//
//   npm run build && node dist/src/cli.js model build && node test/bench/llama-builds.mjs [--prompts 8]
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MODEL, PROMPTS, ROOT } from './llama-common.mjs';

/** Every side runs with libuv's pool at one thread, as a kernel does (kernelEnv), but the one that shows Node's default. */
const SIDES = {
  prebuilt: { build: false, env: { UV_THREADPOOL_SIZE: '1' } },
  "prebuilt, libuv's default 4 pool threads": { build: false, env: { UV_THREADPOOL_SIZE: '4' } },
  'model build, GOMP_SPINCOUNT=10^7 (model-llamacpp)': { build: true, env: { UV_THREADPOOL_SIZE: '1', GOMP_SPINCOUNT: '10000000' } },
  'model build, OMP_WAIT_POLICY=active (until 2026-12-01)': { build: true, env: { UV_THREADPOOL_SIZE: '1', OMP_WAIT_POLICY: 'active' } },
  'model build, libgomp default policy': { build: true, env: { UV_THREADPOOL_SIZE: '1', OMP_WAIT_POLICY: '', GOMP_SPINCOUNT: '' } },
};
/** Seconds the child stays loaded and idle after generating, to measure what its threads burn doing nothing. */
const IDLE_SECS = 3;

/** Child: generates, then idles; prints {tokens, secs, idleCpuSecs, buildType} as JSON. */
async function generate(useBuild, n) {
  const { getLlama, LlamaCompletion } = await import('node-llama-cpp');
  const { llamaBuildOptions } = await import(pathToFileURL(join(ROOT, 'dist/src/plugin-api/index.js')).href);
  const llama = await getLlama({ gpu: false, build: 'never', cmakeOptions: useBuild ? llamaBuildOptions() : {} });
  const model = await llama.loadModel({ modelPath: MODEL, gpuLayers: 0 });
  const context = await model.createContext({ contextSize: 2048, threads: 2 });
  const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
  let tokens = 0;
  const t0 = performance.now();
  for (const p of PROMPTS.slice(0, n)) {
    const text = await completion.generateCompletion(`<|im_start|>user\n${p}<|im_end|>\n<|im_start|>assistant\n`, { maxTokens: 64, temperature: 0 });
    tokens += model.tokenize(text).length;
  }
  const secs = (performance.now() - t0) / 1000;
  const c0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, IDLE_SECS * 1000));
  const c = process.cpuUsage(c0);
  console.log(JSON.stringify({ tokens, secs, idleCpuSecs: (c.user + c.system) / 1e6, buildType: llama.buildType }));
  process.exit(0); // libgomp's spinning threads would otherwise hold the exit
}

const at = process.argv.indexOf('--child');
const n = Number(process.argv[process.argv.indexOf('--prompts') + 1] || 0) || PROMPTS.length;
if (at > 0) {
  await generate(process.argv[at + 1] === 'build', n);
  process.exit(0);
}
const names = Object.keys(SIDES);
const totals = Object.fromEntries(names.map((k) => [k, { tokens: 0, secs: 0, idleCpuSecs: 0, buildType: '' }]));
for (const name of [...names, ...[...names].reverse()]) {
  const { build, env } = SIDES[name];
  const childEnv = { ...process.env, ...env };
  for (const k of ['OMP_WAIT_POLICY', 'GOMP_SPINCOUNT']) if (env[k] === '') delete childEnv[k];
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', build ? 'build' : 'prebuilt', '--prompts', String(n)], { env: childEnv, encoding: 'utf8' });
  const line = r.stdout.trim().split('\n').at(-1);
  if (r.status !== 0 || !line?.startsWith('{')) throw new Error(`${name} failed (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  const x = JSON.parse(line);
  Object.assign(totals[name], { tokens: totals[name].tokens + x.tokens, secs: totals[name].secs + x.secs, idleCpuSecs: totals[name].idleCpuSecs + x.idleCpuSecs / 2, buildType: x.buildType });
}
const base = totals.prebuilt.tokens / totals.prebuilt.secs;
console.log(`raw LlamaCompletion, SmolLM2-135M Q4_1, 2 threads, ${n} prompts x 64 tokens x 2 runs per side (sides in order, then reversed); idle CPU: seconds used in ${IDLE_SECS} idle seconds after`);
for (const [name, t] of Object.entries(totals)) {
  const rate = t.tokens / t.secs;
  console.log(`${name.padEnd(56)} ${t.buildType.padEnd(10)} ${rate.toFixed(1).padStart(6)} tokens/s  ${(rate / base).toFixed(2)}x prebuilt  idle CPU ${t.idleCpuSecs.toFixed(2)} s`);
}
