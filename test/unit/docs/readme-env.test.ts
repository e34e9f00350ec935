import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../../src/loader/resolve.js';

/** Every .ts/.mjs file under a folder of the package (compiled output and dependencies excluded). */
function sources(dir: string): string[] {
  return readdirSync(join(packageRoot, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|mjs)$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => join(packageRoot, dir, f));
}

/** The error codes (LLMOS_E…), which are not variables. */
const ERROR_CODES = new Set(readFileSync(join(packageRoot, 'src/core/errors.ts'), 'utf8').match(/'LLMOS_E[A-Z]+'/g)!.map((c) => c.slice(1, -1)));

/** Variables the code reads: any LLMOS_ name in a string or env access, and any other NAME read as env.NAME / env['NAME']. */
function variablesRead(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of [...sources('src'), ...sources('plugins')]) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bLLMOS_[A-Z][A-Z0-9_]*/g)) if (!ERROR_CODES.has(m[0])) found.set(m[0], file);
    for (const m of text.matchAll(/\benv(?:\.([A-Z][A-Z0-9_]+)|\[['"]([A-Z][A-Z0-9_]+)['"]\])/g)) found.set(m[1] ?? m[2], file);
  }
  return found;
}

describe('README documents every environment variable the code reads', () => {
  it('names each one (run the grep in this test and add a row to Configuration when this fails)', () => {
    const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
    const read = variablesRead();
    expect(read.size).toBeGreaterThan(30); // the scan itself works
    expect(read.has('LLMOS_MODEL_PATH') && read.has('OLLAMA_HOST')).toBe(true);
    const missing = [...read].filter(([name]) => !readme.includes(name)).map(([name, file]) => `${name} (read in ${file.slice(packageRoot.length + 1)})`);
    expect(missing).toEqual([]);
  });
});
