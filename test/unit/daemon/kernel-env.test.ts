import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { kernelEnv } from '../../../src/daemon/kernel-env.js';
import { configWith, requireBuild } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/kernel.js';

/** A live process's environment, as the kernel sees it. */
const environOf = (pid: number) => Object.fromEntries(readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));

describe("a kernel process runs with libuv's pool at one thread (issue #17)", () => {
  it("sets UV_THREADPOOL_SIZE=1 unless the operator chose a size", () => {
    expect(kernelEnv({ PATH: '/bin' })).toEqual({ PATH: '/bin', UV_THREADPOOL_SIZE: '1' });
    expect(kernelEnv({ UV_THREADPOOL_SIZE: '8' }).UV_THREADPOOL_SIZE).toBe('8');
    expect(kernelEnv({ UV_THREADPOOL_SIZE: '' }).UV_THREADPOOL_SIZE).toBe('1');
  });

  it('the daemon that `llmos serve` starts gets it from birth', async () => {
    const dist = dirname(requireBuild());
    const { spawnDaemon } = (await import(pathToFileURL(join(dist, 'daemon', 'start-daemon.js')).href)) as typeof import('../../../src/daemon/start-daemon.js');
    const { daemonPaths } = (await import(pathToFileURL(join(dist, 'daemon', 'paths.js')).href)) as typeof import('../../../src/daemon/paths.js');
    const saved = process.env.UV_THREADPOOL_SIZE;
    delete process.env.UV_THREADPOOL_SIZE;
    const child = spawnDaemon(daemonPaths(tempDir('llmos-kernel-env-')), configWith('sched-fcfs'));
    if (saved !== undefined) process.env.UV_THREADPOOL_SIZE = saved;
    try {
      // Polled: until the child execs, /proc shows the environment it forked with.
      await expect.poll(() => environOf(child.pid!).UV_THREADPOOL_SIZE, { timeout: 10_000 }).toBe('1');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
