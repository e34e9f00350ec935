import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The data dir: LLMOS_DATA_DIR, else ~/.llmos. Created if missing. */
export function dataDir(dir = process.env.LLMOS_DATA_DIR): string {
  const d = resolve(dir ?? join(homedir(), '.llmos'));
  mkdirSync(d, { recursive: true });
  return d;
}
