import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lock, lockHeld } from '../../../src/cli/model-build.js';
import { tempDir } from '../../helpers/kernel.js';

/** `llmos model build`'s lock in <cache>/llama-build.lock: one compile at a time, stale locks taken over. */
describe('the llama.cpp build lock', () => {
  let cache: string;
  const saved = process.env.LLMOS_CACHE_DIR;
  beforeEach(() => {
    cache = tempDir('llmos-build-lock-');
    process.env.LLMOS_CACHE_DIR = cache;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.LLMOS_CACHE_DIR;
    else process.env.LLMOS_CACHE_DIR = saved;
  });

  it('is taken once; a second taker is refused while its holder lives', () => {
    expect(lock()).toBe(true);
    expect(lockHeld()).toBe(true);
    expect(lock()).toBe(false);
  });

  it('is taken over from a holder that died', () => {
    mkdirSync(join(cache, 'llama-build.lock'));
    writeFileSync(join(cache, 'llama-build.lock', 'pid'), '2147483646'); // no such process
    expect(lockHeld()).toBe(false);
    expect(lock()).toBe(true);
  });

  it('counts a lock without a pid as held only while it is fresh', () => {
    const dir = join(cache, 'llama-build.lock');
    mkdirSync(dir);
    expect(lockHeld()).toBe(true);
    const old = new Date(Date.now() - 60_000);
    utimesSync(dir, old, old);
    expect(lockHeld()).toBe(false);
    expect(lock()).toBe(true);
  });
});
