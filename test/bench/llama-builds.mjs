// Which llama.cpp build the in-process model should run on: node-llama-cpp's prebuilt binary
// against the one `llmos model build` compiles (OpenMP, this CPU's instruction sets), with
// libgomp's wait policy as model-llamacpp sets it (active) and as libgomp defaults it. Raw
// LlamaCompletion generation, no LLMOS code in between: SmolLM2-135M Q4_1, 2 threads,
// temperature 0, the everyday prompts, 64 tokens each. Each side runs in its own process
// (libgomp reads its policy once, at load), alternating A B C C B A so load drift hits all.
//
//   npm run build && node dist/src/cli.js model build && node test/bench/llama-builds.mjs [--prompts 8]
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MODEL, PROMPTS, ROOT } from './llama-common.mjs';

const SIDES = {
  prebuilt: { build: false, env: {} },
  'model build, GOMP_SPINCOUNT=10^7 (model-llamacpp)': { build: true, env: { GOMP_SPINCOUNT: '10000000' } },
  'model build, libgomp default policy': { build: true, env: { OMP_WAIT_POLICY: '', GOMP_SPINCOUNT: '' } },
};

/** Child: generates and prints {tokens, secs, buildType} as JSON. */
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
  console.log(JSON.stringify({ tokens, secs: (performance.now() - t0) / 1000, buildType: llama.buildType }));
}

const at = process.argv.indexOf('--child');
const n = Number(process.argv[process.argv.indexOf('--prompts') + 1] || 0) || PROMPTS.length;
if (at > 0) {
  await generate(process.argv[at + 1] === 'build', n);
  process.exit(0);
}
const names = Object.keys(SIDES);
const totals = Object.fromEntries(names.map((k) => [k, { tokens: 0, secs: 0, buildType: '' }]));
for (const name of [...names, ...[...names].reverse()]) {
  const { build, env } = SIDES[name];
  const childEnv = { ...process.env, ...env };
  for (const k of ['OMP_WAIT_POLICY', 'GOMP_SPINCOUNT']) if (env[k] === '') delete childEnv[k];
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', build ? 'build' : 'prebuilt', '--prompts', String(n)], { env: childEnv, encoding: 'utf8' });
  const line = r.stdout.trim().split('\n').at(-1);
  if (r.status !== 0 || !line?.startsWith('{')) throw new Error(`${name} failed (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  const x = JSON.parse(line);
  Object.assign(totals[name], { tokens: totals[name].tokens + x.tokens, secs: totals[name].secs + x.secs, buildType: x.buildType });
}
const base = totals.prebuilt.tokens / totals.prebuilt.secs;
console.log(`raw LlamaCompletion, SmolLM2-135M Q4_1, 2 threads, ${n} prompts x 64 tokens x 2 runs per side (A B C C B A)`);
for (const [name, t] of Object.entries(totals)) {
  const rate = t.tokens / t.secs;
  console.log(`${name.padEnd(54)} ${t.buildType.padEnd(10)} ${rate.toFixed(1).padStart(6)} tokens/s  ${(rate / base).toFixed(2)}x prebuilt`);
}
