// Benchmark: what loading eld's "small" n-gram table costs profile-basic, each way in a fresh
// process (plugins/profile-basic/language.ts loadEld): from the JSON the build writes, and
// from eld's own 1.6 MB JavaScript module (what loadEld falls back to without that file).
// Prints the load time, the RSS it adds and the heap it keeps (after two full GCs).
//
//   npm run build && node test/bench/eld-load.mjs [--runs 3]
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg, root } from './dist.mjs';

const language = join(root, 'dist/plugins/profile-basic/language.js');
if (process.argv[2] === '--load') {
  const { loadEld, ELD_TABLE_JSON } = await import(language);
  const rss = () => process.memoryUsage().rss / 2 ** 20;
  global.gc();
  const [rss0, heap0] = [rss(), process.memoryUsage().heapUsed];
  const t0 = performance.now();
  const eld = loadEld(process.argv[3] === 'json' ? ELD_TABLE_JSON : join(root, 'no-such-eld-table.json'));
  const ms = performance.now() - t0;
  if (eld.detect('Wie geht es dir heute, mein Freund?').language !== 'de') throw new Error('eld did not detect German');
  global.gc();
  global.gc();
  console.log(JSON.stringify({ ms: +ms.toFixed(0), 'rss added MB': +(rss() - rss0).toFixed(1), 'heap kept MB': +((process.memoryUsage().heapUsed - heap0) / 2 ** 20).toFixed(1) }));
} else {
  const { ELD_TABLE_JSON } = await import(language);
  if (!existsSync(ELD_TABLE_JSON)) throw new Error(`${ELD_TABLE_JSON} is missing: run \`npm run build\` first`);
  const rows = [];
  for (let run = 1; run <= Number(arg('runs', 3)); run++)
    for (const from of ['json', 'module']) {
      const out = execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--load', from], { encoding: 'utf8' });
      rows.push({ run, from: from === 'json' ? 'JSON the build wrote' : "eld's JS module", ...JSON.parse(out) });
    }
  console.log(`eld "small" table, loaded in a fresh process each time, node ${process.version}`);
  console.table(rows);
}
