// Resident memory of the default llmos.plugins.json at rest, and what each plugin adds: the
// config booted in a child (model-openai pointed at a closed port, no load), measured 3 s after
// start and two full GCs; then once per plugin left out. A plugin whose removal stops the boot
// (it is the configured scheduler or allocator, or another depends on it) prints the error.
// With --load N: the full config under N spawns, 100 at a time, against the instant upstream,
// heap and RSS before and after a full GC.
//
//   npm run build && node test/bench/memory-by-plugin.mjs [--load 20000]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const imp = (p) => import(pathToFileURL(join(ROOT, 'dist', p)).href);
const mb = (n) => +(n / 1e6).toFixed(1);
const usage = () => {
  const m = process.memoryUsage();
  return { rss: mb(m.rss), heap: mb(m.heapUsed), heapTotal: mb(m.heapTotal) };
};

async function child(drop, load) {
  process.env.LLMOS_LOG_LEVEL = 'error';
  const { startInstantUpstream } = await import('../fixtures/instant-upstream.mjs');
  const upstream = load ? await startInstantUpstream() : undefined;
  const { boot } = await imp('src/boot.js');
  const { readPluginConfig, withOptionOverrides } = await imp('src/loader/config.js');
  const base_url = upstream?.baseURL ?? 'http://127.0.0.1:9/v1';
  let config = withOptionOverrides(readPluginConfig(join(ROOT, 'llmos.plugins.json')), { 'model-openai': { base_url, probe_on_start: false, models: [{ id: 'instant', concurrency: 1024 }] } });
  if (drop) config = { ...config, plugins: config.plugins.filter((p) => p.name !== drop) };
  const dataDir = mkdtempSync(join(tmpdir(), 'llmos-memory-'));
  const { kernel, stop } = await boot({ config, dataDir });
  await new Promise((r) => setTimeout(r, 3000)); // profile-basic loads its tables 2 s after start
  const out = {};
  if (load) {
    let n = 0;
    const worker = async () => {
      while (n++ < load) {
        const p = kernel.spawn({ prompt: 'Say hello to the benchmark.', model: 'instant', max_tokens: 16 }, 'bench');
        await kernel.procs.wait(p.pid, 60_000);
      }
    };
    await Promise.all(Array.from({ length: 100 }, worker));
    out.loaded = usage();
  }
  gc();
  gc();
  out.rest = usage();
  await stop();
  await upstream?.close();
  rmSync(dataDir, { recursive: true, force: true });
  console.log(JSON.stringify(out));
}

const run = (args) => {
  const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', ...args], { encoding: 'utf8' });
  const line = r.stdout.trim().split('\n').at(-1);
  return r.status === 0 && line?.startsWith('{') ? JSON.parse(line) : { error: r.stderr.match(/LlmosError: ([^\n]*)/)?.[1] ?? r.stderr.slice(-200) };
};

const at = process.argv.indexOf('--child');
if (at > 0) {
  const rest = process.argv.slice(at + 1);
  const load = rest[0] === '--load' ? Number(rest[1]) : 0;
  await child(load ? undefined : rest[0], load);
  process.exit(0);
}
const loadAt = process.argv.indexOf('--load');
if (loadAt > 0) {
  const n = Number(process.argv[loadAt + 1]);
  const r = run(['--load', String(n)]);
  console.log(`default config under ${n} spawns (100 at a time): before GC rss ${r.loaded.rss} MB, heap ${r.loaded.heap} of ${r.loaded.heapTotal} MB; after GC rss ${r.rest.rss} MB, heap ${r.rest.heap} MB`);
  process.exit(0);
}
const full = run([]).rest;
console.log(`default config at rest: rss ${full.rss} MB, heap ${full.heap} MB`);
const config = JSON.parse(readFileSync(join(ROOT, 'llmos.plugins.json'), 'utf8'));
for (const { name, enabled } of config.plugins) {
  if (enabled === false) continue;
  const r = run([name]);
  console.log(`  without ${name.padEnd(20)} ${r.error ? `does not boot: ${r.error.slice(0, 120)}` : `rss ${(full.rss - r.rest.rss).toFixed(1).padStart(6)} MB less, heap ${(full.heap - r.rest.heap).toFixed(1).padStart(6)} MB less`}`);
}
