import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { LlmosError } from '../core/errors.js';
import { llamaBuildOptions } from '../plugin-api/index.js';
import { cacheRoot } from './model-pull.js';

/**
 * `llmos model build`: compiles llama.cpp for the in-process backend with
 * llamaBuildOptions() (OpenMP, this CPU's instruction sets) from the source
 * node-llama-cpp ships (its git bundle; no network), once. The build lives in
 * node-llama-cpp's localBuilds folder, which `npm ci` empties, so it is also
 * kept in <cache>/llama-builds and restored from there.
 */

/** node-llama-cpp's package folder (its exports hide package.json; its main module is dist/index.js). */
const nlcRoot = join(dirname(createRequire(import.meta.url).resolve('node-llama-cpp')), '..');
const localBuilds = join(nlcRoot, 'llama', 'localBuilds');
const cachedBuilds = () => join(cacheRoot(), 'llama-builds');
const lockDir = () => join(cacheRoot(), 'llama-build.lock');
const say = (line: string): void => void process.stderr.write(`model build: ${line}\n`);

/** Copies every build folder of `from` that `to` lacks. */
function copyMissing(from: string, to: string): void {
  if (!existsSync(from)) return;
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) if (!existsSync(join(to, name))) cpSync(join(from, name), join(to, name), { recursive: true });
}

/** Whether node-llama-cpp finds a local build with `options` (loading it proves it runs on this CPU). */
async function isBuilt(options: Record<string, string>): Promise<boolean> {
  const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
  try {
    const llama = await getLlama({ gpu: false, build: 'never', usePrebuiltBinaries: false, cmakeOptions: options, logLevel: LlamaLogLevel.error, progressLogs: false });
    const local = llama.buildType === 'localBuild';
    await llama.dispose();
    return local;
  } catch {
    return false;
  }
}

/** Takes the build lock; false when a live process holds it (a stale lock is removed and taken once). */
export function lock(): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      mkdirSync(cacheRoot(), { recursive: true });
      mkdirSync(lockDir());
      writeFileSync(join(lockDir(), 'pid'), String(process.pid));
      return true;
    } catch {
      if (lockHeld()) return false;
      rmSync(lockDir(), { recursive: true, force: true });
    }
  }
  return false;
}

/** Whether a live process holds the build lock (a dead holder's lock is stale). */
export function lockHeld(): boolean {
  let holder = 0;
  try {
    holder = Number(readFileSync(join(lockDir(), 'pid'), 'utf8').trim());
  } catch {
    // No pid yet: held while just made; a lock whose maker died before writing it is stale.
    try {
      return Date.now() - statSync(lockDir()).mtimeMs < 10_000;
    } catch {
      return false; // gone meanwhile
    }
  }
  return holder > 0 && isAlive(holder);
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Runs node-llama-cpp's own `source download`: a clone of llama.cpp from the
 * git bundle it ships, then (unless `skipBuild`) cmake with `options`.
 */
function sourceDownload(options: Record<string, string>, skipBuild: boolean): Promise<void> {
  const env = { ...process.env, ...Object.fromEntries(Object.entries(options).map(([k, v]) => [`NODE_LLAMA_CPP_CMAKE_OPTION_${k}`, v])) };
  const args = [join(nlcRoot, 'dist', 'cli', 'cli.js'), 'source', 'download', '--gpu', 'false', '--noUsageExample', ...(skipBuild ? ['--skipBuild'] : [])];
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', process.stderr, process.stderr] });
    child.once('error', fail);
    child.once('exit', (code) =>
      code === 0 ? done() : fail(new LlmosError('LLMOS_EINTERNAL', `compiling llama.cpp failed (exit ${code}); it needs cmake and a C++17 compiler (Debian: apt-get install cmake g++), see the output above.`)),
    );
  });
}

/** A local build reads its JSON grammars from the llama.cpp clone, so a build restored after `npm ci` needs the clone too. */
const sourceCloned = () => existsSync(join(nlcRoot, 'llama', 'llama.cpp', '.git'));

/** Holds the build lock while `work` runs; waits while another process holds it. */
async function underLock<T>(work: () => Promise<T>): Promise<T> {
  if (!lock()) {
    say('another `llmos model build` is working on llama.cpp; waiting for it.');
    while (!lock()) await new Promise((r) => setTimeout(r, 5000));
  }
  try {
    return await work();
  } finally {
    rmSync(lockDir(), { recursive: true, force: true });
  }
}

/** Ensures the build and its source clone exist: restored from the cache, else compiled, and cached. Resolves what it did. */
export async function buildLlama(): Promise<'unsupported' | 'present' | 'restored' | 'built'> {
  const options = llamaBuildOptions();
  if (!options) return 'unsupported';
  if (sourceCloned() && (await isBuilt(options))) {
    copyMissing(localBuilds, cachedBuilds()); // a build made before the cache existed
    return 'present';
  }
  return underLock(async () => {
    copyMissing(cachedBuilds(), localBuilds);
    if (await isBuilt(options)) {
      if (!sourceCloned()) await sourceDownload(options, true);
      return 'restored';
    }
    await sourceDownload(options, false);
    if (!(await isBuilt(options))) throw new LlmosError('LLMOS_EINTERNAL', 'llama.cpp compiled, but node-llama-cpp does not load the build; run `llmos model build` again and read its output.');
    copyMissing(localBuilds, cachedBuilds());
    return 'built';
  });
}

const MESSAGES = {
  unsupported: `prebuilt llama.cpp is used on ${process.platform}-${process.arch}; nothing to build.`,
  present: 'llama.cpp is already built for this CPU.',
  restored: 'llama.cpp build restored from the cache.',
  built: 'llama.cpp built for this CPU; the in-process model uses it from its next load.',
} as const;

/** `llmos model build`; mounted under the "model" command. */
export function modelBuildCommand(): Command {
  return new Command('build')
    .description(
      "Compile llama.cpp for the in-process model with OpenMP and this CPU's instruction sets (once, ~8 min on 2 cores, needs cmake and g++; cached). The backend then loads it instead of node-llama-cpp's prebuilt binary: steadier on a busy machine, slower prompt evaluation on a quiet one (no AMX); see the README's benchmarks.",
    )
    .action(async () => say(MESSAGES[await buildLlama()]));
}
