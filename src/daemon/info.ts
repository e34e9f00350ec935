import { readFileSync } from 'node:fs';
import type { DaemonPaths } from './paths.js';

/** What the kernel holding a data dir says about itself (run/daemon.json). */
export interface KernelInfo {
  pid: number;
  /** 'daemon' (started for stdio clients), 'http' (serve --http) or 'stdio' (serve --no-daemon). */
  transport: string;
  socket: string;
  config: string;
  version: string;
  started_at: string;
  /** 'starting' from taking the lock until it serves; then 'ready'. */
  state: 'starting' | 'ready';
  url?: string;
}

/** The info file, or undefined when it is missing or unreadable. */
export function readKernelInfo(p: DaemonPaths): KernelInfo | undefined {
  try {
    return JSON.parse(readFileSync(p.info, 'utf8')) as KernelInfo;
  } catch {
    return undefined;
  }
}

/** True while process `pid` exists (signal 0 probes without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
