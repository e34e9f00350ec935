// What the benchmark scripts share: importing the build (dist/) and reading --name value arguments.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Imports `path` (e.g. "plugins/kg-embedded/sqlite-store.js") from dist/, or exits saying to build first. */
export async function fromDist(path) {
  const file = join(root, 'dist', path);
  if (!existsSync(file)) {
    console.error('dist/ is missing: run `npm run build` first.');
    process.exit(1);
  }
  return import(file);
}

/** The number after `--name` on the command line, else `dflt`. */
export const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};

/**
 * Does to this process what `llmos serve` does to its own before it boots
 * (V8's heap growth for serving, src/cli/server-heap.ts), when the build
 * `dist` has it: a server in a bench is measured as users run it.
 */
export async function asServed(dist) {
  const file = join(dist, 'src/cli/server-heap.js');
  if (existsSync(file)) (await import(file)).tuneServerHeap();
}

let scratch;
/**
 * A driver's folder for the data dirs of the servers it starts (pass it to
 * them as LLMOS_BENCH_SCRATCH), made at the first call and removed when the
 * driver exits: a server killed mid-run leaves nothing behind.
 */
export function benchScratch() {
  if (!scratch) {
    scratch = mkdtempSync(join(tmpdir(), 'llmos-bench-'));
    process.once('exit', () => rmSync(scratch, { recursive: true, force: true, maxRetries: 3 }));
  }
  return scratch;
}

/** A data dir for a bench server: in its driver's folder (see benchScratch) when it has one, else in the temp dir. */
export const serverDataDir = () => mkdtempSync(join(process.env.LLMOS_BENCH_SCRATCH ?? tmpdir(), 'llmos-bench-data-'));
