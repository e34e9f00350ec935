import Database from 'better-sqlite3';
import { rmSync, writeFileSync } from 'node:fs';
import { LlmosError } from '../core/errors.js';
import { readKernelInfo, type KernelInfo } from './info.js';
import { ensureDaemonDirs, type DaemonPaths } from './paths.js';

export const busyError = (p: DaemonPaths, holder = readKernelInfo(p)) =>
  new LlmosError(
    'LLMOS_EBUSY',
    `another LLMOS kernel already serves the data dir ${p.dataDir}${holder ? ` (pid ${holder.pid}, ${holder.transport})` : ''}: two kernels on one data dir would hand out the same pids. ` +
      'Attach to it with `llmos serve` (stdio), stop it with `llmos daemon stop`, or set LLMOS_DATA_DIR to another directory.',
    { holder },
  );

/**
 * One kernel per data dir. Holds an exclusive SQLite (fcntl) lock on
 * run/kernel.lock for as long as the process lives: a second process gets
 * LLMOS_EBUSY at once, and the operating system drops the lock when the holder
 * exits or is killed, so a crash never leaves a stale lock behind. Taken
 * before the kernel boots, since booting replays the journal.
 */
export class KernelLock {
  private readonly startedAt = new Date().toISOString();

  private constructor(
    private readonly db: Database.Database,
    private readonly paths: DaemonPaths,
  ) {}

  /** Takes the lock or throws LLMOS_EBUSY naming the holder. */
  static acquire(p: DaemonPaths): KernelLock {
    ensureDaemonDirs(p);
    const db = new Database(p.lock, { timeout: 0 });
    try {
      db.exec('BEGIN EXCLUSIVE');
    } catch (e) {
      db.close();
      if ((e as { code?: string }).code === 'SQLITE_BUSY') throw busyError(p);
      throw e;
    }
    return new KernelLock(db, p);
  }

  /** Publishes who holds the lock, for clients and `llmos daemon status`. */
  publish(info: Omit<KernelInfo, 'pid' | 'started_at' | 'socket'>): void {
    const full: KernelInfo = { pid: process.pid, socket: this.paths.socket, started_at: this.startedAt, ...info };
    writeFileSync(this.paths.info, JSON.stringify(full, null, 2) + '\n', { mode: 0o600 });
  }

  release(): void {
    if (!this.db.open) return;
    if (readKernelInfo(this.paths)?.pid === process.pid) rmSync(this.paths.info, { force: true });
    this.db.exec('ROLLBACK');
    this.db.close();
  }
}
