import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { LlmosError, type ErrorCode } from '../core/errors.js';
import { isAlive, readKernelInfo } from './info.js';
import { kernelEnv } from './kernel-env.js';
import { ensureDaemonDirs, type DaemonPaths } from './paths.js';

/** `llmos daemon run` exits with this when another kernel already holds the data dir (it lost a start race). */
export const BUSY_EXIT = 75;

const CLI = fileURLToPath(new URL('../cli.js', import.meta.url));

/** A connection to the daemon's socket, or undefined when nothing listens there. */
export function tryConnect(path: string): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const sock = connect(path);
    sock.once('connect', () => {
      sock.removeAllListeners('error');
      resolve(sock);
    });
    sock.once('error', () => resolve(undefined));
  });
}

/**
 * Starts `llmos daemon run` for the data dir as a detached process that
 * outlives this one: same environment (with kernelEnv's thread pool), its
 * stderr appended to run/daemon.log.
 */
export function spawnDaemon(p: DaemonPaths, config: string): ChildProcess {
  ensureDaemonDirs(p);
  const log = openSync(p.log, 'a', 0o600);
  try {
    const child = spawn(process.execPath, [CLI, 'daemon', 'run', '--config', config], {
      detached: true,
      stdio: ['ignore', 'ignore', log],
      env: { ...kernelEnv(), LLMOS_DATA_DIR: p.dataDir },
    });
    child.unref();
    return child;
  } finally {
    closeSync(log);
  }
}

/**
 * Why the daemon could not start, from what it wrote to its log since
 * `offset`: its own coded error line ("llmos: LLMOS_E…: …") when there is
 * one, else the log's last lines.
 */
function startFailure(p: DaemonPaths, offset: number, exit: number | null): LlmosError {
  let text = '';
  try {
    text = readFileSync(p.log).subarray(offset).toString('utf8').trim();
  } catch {
    /* no log */
  }
  const coded = /^llmos: (LLMOS_E[A-Z]+): (.*)$/m.exec(text.split('\n').reverse().join('\n'));
  if (coded) return new LlmosError(coded[1] as ErrorCode, `${coded[2]} (the daemon's log: ${p.log})`);
  return new LlmosError('LLMOS_EPLUGIN', `the LLMOS daemon for ${p.dataDir} exited with code ${exit} before serving; its log (${p.log}) ends with: ${text.split('\n').slice(-3).join(' | ')}`);
}

const holderAlive = (p: DaemonPaths) => {
  const pid = readKernelInfo(p)?.pid;
  return pid !== undefined && isAlive(pid);
};

/**
 * A connection to the data dir's kernel, starting a daemon when none
 * listens. Two clients racing here end with one daemon: the kernel lock
 * admits one, the other's daemon exits with BUSY_EXIT, and both clients
 * connect to the winner. Fails with LLMOS_ETIMEDOUT after timeoutMs, or
 * the daemon's own coded error when it could not start.
 */
export async function connectOrStart(p: DaemonPaths, config: string, timeoutMs: number): Promise<{ sock: Socket; started: boolean }> {
  const first = await tryConnect(p.socket);
  if (first) return { sock: first, started: false };
  ensureDaemonDirs(p);
  const logStart = existsSync(p.log) ? statSync(p.log).size : 0;
  let child = spawnDaemon(p, config);
  let exit: number | null | undefined;
  child.once('exit', (code) => (exit = code));
  const end = Date.now() + timeoutMs;
  for (let wait = 10; Date.now() < end; wait = Math.min(wait * 1.5, 200)) {
    await new Promise((r) => setTimeout(r, wait));
    const sock = await tryConnect(p.socket);
    if (sock) return { sock, started: true };
    if (exit !== undefined && exit !== BUSY_EXIT) throw startFailure(p, logStart, exit);
    if (exit === BUSY_EXIT && wait >= 200 && !holderAlive(p)) {
      // The kernel that held the lock stopped before opening its socket: start one again.
      child = spawnDaemon(p, config);
      exit = undefined;
      child.once('exit', (code) => (exit = code));
    }
  }
  throw new LlmosError('LLMOS_ETIMEDOUT', `the LLMOS daemon for ${p.dataDir} did not open ${p.socket} within ${timeoutMs} ms; see ${p.log}, or raise LLMOS_DAEMON_START_TIMEOUT_MS.`);
}
