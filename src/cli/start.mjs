// `npm start`: builds only when dist/ is older than the sources, fetches the default
// model when missing, then runs `llmos serve` on stdio. Everything but the server's
// MCP stream goes to stderr, so a client that launches `npm start` reads clean JSON-RPC
// (the project's .npmrc silences npm's own "> llmos start" banner on stdout).
// Plain JavaScript, not compiled: it must run before dist/ exists.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = join(ROOT, 'dist/src/cli.js');

/** The newest modification time of the TypeScript build's inputs. */
function newestSource() {
  let newest = Math.max(statSync(join(ROOT, 'tsconfig.json')).mtimeMs, statSync(join(ROOT, 'package.json')).mtimeMs);
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|json)$/.test(e.name)) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  walk(join(ROOT, 'src'));
  walk(join(ROOT, 'plugins'));
  return newest;
}

const toStderr = { cwd: ROOT, stdio: ['ignore', 2, 2] };
if (!existsSync(CLI) || statSync(CLI).mtimeMs < newestSource()) {
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], toStderr);
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
  // as `npm run build` does: eld's table as JSON (without it profile-basic loads eld's module), then the recorded answers (it only warns)
  spawnSync(process.execPath, [join(ROOT, 'dist/plugins/profile-basic/write-eld-table.js')], toStderr);
  spawnSync(process.execPath, [join(ROOT, 'dist/src/cli/record-shipped.js')], toStderr);
}
const pull = spawnSync(process.execPath, [CLI, 'model', 'pull'], toStderr);
if (pull.status !== 0) process.exit(pull.status ?? 1);
// With --http the serve process is the kernel: it starts with kernelEnv's thread pool, as the daemon does.
const { kernelEnv } = await import(pathToFileURL(join(ROOT, 'dist/src/daemon/kernel-env.js')).href);
const serve = spawn(process.execPath, [CLI, 'serve', ...process.argv.slice(2)], { stdio: 'inherit', env: kernelEnv() });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => serve.kill(sig));
serve.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
