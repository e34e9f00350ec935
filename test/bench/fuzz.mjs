// Fuzz benchmark: the seeded MCP tool fuzzer of test/unit/fuzz at benchmark size
// (default 1,000,000 inputs, spread evenly over every tool the default plugins
// list), against the echo models. Prints inputs/s, how the calls ended by
// LLMOS code, and every contract breach (a crash, a hang, LLMOS_EINTERNAL, an
// uncoded error) — there should be none. A benchmark, not a test: nothing is timed.
//
//   node test/bench/fuzz.mjs [--inputs 1000000] [--seed 42]
//
// The TypeScript fuzzer runs through Vite's module runner (as vitest runs it),
// so no build is needed. LLMOS_FUZZ_SEED is honoured like --seed.
import { fileURLToPath } from 'node:url';
import { createServer, createServerModuleRunner } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const inputs = arg('inputs', 1_000_000);
const seed = arg('seed', Number(process.env.LLMOS_FUZZ_SEED || (Date.now() ^ (Math.random() * 0x7fffffff)) >>> 0));
process.env.LLMOS_LOG_LEVEL ??= 'fatal';

const vite = await createServer({ root, configFile: false, logLevel: 'error', appType: 'custom', server: { middlewareMode: true, hmr: false, ws: false } });
const runner = createServerModuleRunner(vite.environments.ssr, { hmr: false });
await runner.import('reflect-metadata');
const { runFuzzBench } = await runner.import(`${root}test/bench/fuzz-driver.ts`);

console.log(`fuzz bench: ${inputs.toLocaleString('en')} inputs, seed ${seed} (replay with --seed ${seed})`);
const r = await runFuzzBench({ seed, inputs }, (line) => console.log(`  ${line}`));
console.log(`\n${r.inputs.toLocaleString('en')} inputs over ${r.tools} tools in ${r.seconds.toFixed(1)} s: ${Math.round(r.inputs / r.seconds).toLocaleString('en')} inputs/s`);
console.log('how the calls ended:');
for (const [code, n] of Object.entries(r.byCode)) console.log(`  ${code.padEnd(20)} ${String(n).padStart(9)}  ${((100 * n) / r.inputs).toFixed(2)}%`);
console.log(`contract breaches: ${r.violations.length}`);
for (const v of r.violations.slice(0, 20)) console.log(`  ${v}`);
await runner.close();
await vite.close();
process.exit(r.violations.length ? 1 : 0);
