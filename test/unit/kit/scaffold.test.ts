/**
 * `llmos plugin new` end to end, as a plugin author outside the repo: each
 * kind is scaffolded into a folder under os.tmpdir(), compiled, loaded by the
 * built CLI's `llmos plugins --config`, and its contract suite run by vitest.
 * An author makes `llmos/plugin-api` resolve with `npm install /path/to/llmos`
 * (or npm link); here node_modules/llmos is a symlink to this checkout, which
 * must be built (`npm run build`).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scaffoldPlugin } from '../../../src/cli/plugin-new.js';
import { CLI, requireBuild, ROOT } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/kernel.js';

const run = promisify(execFile);
/** Each kind is also what its plugin provides. */
const kinds = ['scheduler', 'allocator', 'model', 'knowledge', 'syscall'] as const;

/** The environment without the outer vitest's variables, so the inner run is a fresh one. */
const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS' && k !== 'TEST'));

/** What an author's `npm install` would give: llmos (this checkout) and the dev types. */
function linkDependencies(root: string): void {
  mkdirSync(join(root, 'node_modules', '@types'), { recursive: true });
  symlinkSync(ROOT, join(root, 'node_modules', 'llmos'), 'dir');
  symlinkSync(join(ROOT, 'node_modules', '@types', 'node'), join(root, 'node_modules', '@types', 'node'), 'dir');
}

/** The CLI's exit code and stderr. */
async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('a plugin scaffolded outside the repo', () => {
  const root = tempDir('llmos-kit-');
  const plugins = join(root, 'plugins');

  beforeAll(async () => {
    requireBuild();
    linkDependencies(root);
    // One kind through the built CLI, the rest through the function it calls, to save process starts.
    const r = await cli(['plugin', 'new', 'scheduler', 'my-scheduler', '--dir', plugins]);
    expect(r, r.stderr).toMatchObject({ code: 0, stdout: expect.stringContaining(join(plugins, 'my-scheduler')) });
    for (const kind of kinds.filter((k) => k !== 'scheduler')) scaffoldPlugin(kind, `my-${kind}`, plugins);
    // What `npm run build` in each plugin does.
    await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', ...kinds.map((k) => join(plugins, `my-${k}`))]);
  }, 60_000);
  // Removes the links in node_modules, never what they point at.
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes index.ts, the implementation, a contract test, package.json and a README', () => {
    const dir = join(plugins, 'my-scheduler');
    for (const f of ['index.ts', 'scheduler.ts', 'my-scheduler.test.ts', 'package.json', 'README.md', 'dist/index.js']) expect(existsSync(join(dir, f)), f).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).type).toBe('module');
    expect(readFileSync(join(dir, 'index.ts'), 'utf8')).toContain("apiVersion: '^1.0.0'");
  });

  it('refuses a bad name (LLMOS_EINVAL) and an existing folder (LLMOS_EEXIST), writing nothing', async () => {
    for (const bad of ['My-Plugin', 'a--b', '1abc', 'x'.repeat(41), '../escape'])
      expect(() => scaffoldPlugin('scheduler', bad, plugins), bad).toThrow(expect.objectContaining({ code: 'LLMOS_EINVAL' }));
    expect(existsSync(join(root, 'escape'))).toBe(false);
    const before = readFileSync(join(plugins, 'my-model', 'backend.ts'), 'utf8');
    const again = await cli(['plugin', 'new', 'model', 'my-model', '--dir', plugins]);
    expect([again.code, again.stderr]).toEqual([1, expect.stringContaining('LLMOS_EEXIST')]);
    expect(readFileSync(join(plugins, 'my-model', 'backend.ts'), 'utf8')).toBe(before);
    const unknown = await cli(['plugin', 'new', 'gizmo', 'my-gizmo', '--dir', plugins]);
    expect([unknown.code, unknown.stderr]).toEqual([1, expect.stringContaining('LLMOS_EINVAL')]);
  });

  it('loads through `llmos plugins --config`, each listed with what it provides', async () => {
    const config = join(root, 'llmos.plugins.json');
    const entries = kinds.map((k) => ({ name: `my-${k}`, module: `./plugins/my-${k}/dist/index.js` }));
    // What the scaffolded plugins are used through: sched-core activates the scheduler, kg-core needs the store.
    const helpers = [
      { name: 'sched-core', module: join(ROOT, 'plugins/sched-core'), options: { default: 'my-scheduler' } },
      { name: 'kg-core', module: join(ROOT, 'plugins/kg-core') },
    ];
    writeFileSync(config, JSON.stringify({ plugins: [...entries, ...helpers] }));
    const r = await cli(['plugins', '--config', config, '--json'], { LLMOS_DATA_DIR: tempDir() });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { plugins: Array<{ name: string; provides: string[] }>; syscalls: string[]; models: string[] };
    for (const k of kinds) expect(out.plugins).toContainEqual(expect.objectContaining({ name: `my-${k}`, provides: [k] }));
    expect(out.models).toContain('my-model');
    expect(out.syscalls).toContain('my_syscall_hello');
  });

  it('passes its contract suite in its own vitest', async () => {
    const report = join(root, 'vitest.json');
    const vitest = join(ROOT, 'node_modules/vitest/vitest.mjs');
    const r = await run(process.execPath, [vitest, 'run', '--root', root, '--reporter=json', `--outputFile=${report}`], { env: cleanEnv() }).catch((e: { stdout: string; stderr: string }) => e);
    expect(existsSync(report), r.stderr).toBe(true);
    const results = JSON.parse(readFileSync(report, 'utf8')) as { numFailedTests: number; numPassedTests: number; testResults: Array<{ name: string; status: string }> };
    expect(results.numFailedTests, r.stdout).toBe(0);
    expect(results.testResults.map((t) => [t.name.slice(plugins.length + 1), t.status]).sort()).toEqual(kinds.map((k) => [`my-${k}/my-${k}.test.ts`, 'passed']).sort());
    expect(results.numPassedTests).toBeGreaterThanOrEqual(30);
  }, 60_000);
});
