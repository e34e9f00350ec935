import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LlmosError } from '../core/errors.js';

/** The files one data dir's daemon uses, all under <dataDir>/run (a 0700 directory only the user can enter). */
export interface DaemonPaths {
  dataDir: string;
  runDir: string;
  /** The Unix domain socket clients attach to. */
  socket: string;
  /** SQLite file whose exclusive lock says "a kernel serves this data dir"; the OS drops it when that process dies. */
  lock: string;
  /** JSON describing the kernel that holds the lock: pid, socket, transport, config, started_at. */
  info: string;
  /** The daemon's stderr (JSON log lines), appended. */
  log: string;
  /** The kernel's recorded initialize and tools/list answers (see answers.ts). */
  answers: string;
}

/** sun_path holds 108 bytes on Linux and 104 on macOS; longer paths go to a per-user temp directory. */
const MAX_SOCKET_PATH = 100;

export function daemonPaths(dataDir: string): DaemonPaths {
  const runDir = join(dataDir, 'run');
  let socket = join(runDir, 'llmos.sock');
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) {
    const uid = process.getuid?.() ?? 0;
    socket = join(tmpdir(), `llmos-${uid}`, `${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}.sock`);
  }
  return { dataDir, runDir, socket, lock: join(runDir, 'kernel.lock'), info: join(runDir, 'daemon.json'), log: join(runDir, 'daemon.log'), answers: join(runDir, 'answers.json') };
}

/**
 * Creates (if missing) a directory only the current user can enter: mode
 * 0700, owned by this uid, not a symlink. Throws LLMOS_EPERM otherwise, so a
 * socket is never placed where another user could reach it.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory() || (uid !== undefined && st.uid !== uid))
    throw new LlmosError('LLMOS_EPERM', `${dir} is not a directory owned by this user; remove it, or set LLMOS_DATA_DIR to a directory you own.`);
  if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

/** Creates the run directory, and the socket's own directory when it lives elsewhere. */
export function ensureDaemonDirs(p: DaemonPaths): void {
  ensurePrivateDir(p.runDir);
  const socketDir = join(p.socket, '..');
  if (socketDir !== p.runDir) ensurePrivateDir(socketDir);
}
