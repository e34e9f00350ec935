import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { tempDir } from './kernel.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CLI = join(ROOT, 'dist/src/cli.js');

/** Fails, naming the step, when the build is missing. */
export function requireBuild(): string {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does it in pretest).`);
  return CLI;
}

/** A plugin config holding only the given plugin folders of this package. */
export function configWith(...plugins: string[]): string {
  const f = join(tempDir(), 'llmos.plugins.json');
  writeFileSync(f, JSON.stringify({ plugins: plugins.map((name) => ({ name, module: join(ROOT, 'plugins', name) })) }));
  return f;
}

/** Runs the built CLI as a child; lines() yields stdout lines. */
export function runCli(args: string[], env: Record<string, string> = {}): { child: ChildProcessWithoutNullStreams; lines: AsyncIterator<string>; stderr: () => string } {
  const child = spawn(process.execPath, [requireBuild(), ...args], { env: { ...process.env, LLMOS_DATA_DIR: tempDir(), ...env } });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return { child, lines, stderr: () => err };
}

/** A plugin config for durability tests: the SQLite journal, FCFS, the rules allocator and model-openai on `baseURL` with `models`. */
export function journaledUpstreamConfig(baseURL: string, models: Array<Record<string, unknown>>): string {
  const f = join(tempDir(), 'llmos.plugins.json');
  const plugin = (name: string, options?: Record<string, unknown>) => ({ name, module: join(ROOT, 'plugins', name), ...(options ? { options } : {}) });
  writeFileSync(f, JSON.stringify({ plugins: [plugin('journal-sqlite'), plugin('sched-fcfs'), plugin('alloc-rules'), plugin('model-openai', { base_url: baseURL, probe_on_start: false, models })] }));
  return f;
}
