import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
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

/** A TCP port free on 127.0.0.1 at the time of asking. */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** The built CLI serving HTTP on `port` with `env` added; resolves once /healthz answers, fails with its stderr if it exits or stays silent. */
export async function startHttpCli(config: string, port: number, env: Record<string, string>, waitMs = 30_000): Promise<{ child: ChildProcess; stderr: () => string }> {
  const child = spawn(process.execPath, [requireBuild(), 'serve', '--http', '--port', String(port), '--config', config], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const end = Date.now() + waitMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`llmos serve exited with ${child.exitCode}: ${err}`);
    if (Date.now() > end) throw new Error(`llmos serve did not answer /healthz within ${waitMs / 1000} s: ${err}`);
    if (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)) return { child, stderr: () => err };
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Stops a CLI child the test started (SIGTERM) and waits for it to exit; nothing when it never started or already exited. */
export async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}
