import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// params reads the environment once, at import: set the limit before the kernel loads.
process.env.LLMOS_MAX_QUEUE = '3';
process.env.LLMOS_QUEUE_SHARES = '1'; // one owner may fill the whole queue here: this is about the queue's own limit
const { boot } = await import('../../../src/boot.js');
const { EchoBackend, echoPlugin } = await import('../../fixtures/echo-backend.js');
const { SCHEDULERS_CONFIG } = await import('../../helpers/schedulers.js');

const ctx = { owner: 'tester', signal: new AbortController().signal, progress: () => {} };

describe('a full run queue', () => {
  it('makes proc_spawn answer LLMOS_EQUEUEFULL with a retry hint, and drops nothing already accepted', async () => {
    const { kernel, stop } = await boot({ config: SCHEDULERS_CONFIG, inline: [echoPlugin([new EchoBackend('echo', { concurrency: 1 }, 0)])], dataDir: mkdtempSync(join(tmpdir(), 'llmos-qf-')) });
    kernel.setAllocator('first');
    kernel.setScheduler('sjf');
    const spawn = (prompt: string) => kernel.syscalls.dispatch('proc_spawn', { prompt }, ctx) as Promise<{ pid: number }>;
    try {
      const running = await spawn('hang');
      await new Promise((r) => setTimeout(r, 10));
      const accepted = [await spawn('a'), await spawn('b'), await spawn('c')].map((r) => r.pid);
      await expect(spawn('d')).rejects.toMatchObject({ code: 'LLMOS_EQUEUEFULL', data: { retry_after_ms: expect.any(Number) } });
      expect(kernel.schedulers.active().size()).toBe(3);
      // Switching the policy while full loses nothing either.
      kernel.setScheduler('fcfs');
      kernel.kill(running.pid);
      for (const pid of accepted) expect((await kernel.procs.wait(pid, 10_000)).exit).toBe('ok');
    } finally {
      for (const p of kernel.procs.scan()) if (p.state !== 'exited') kernel.kill(p.pid);
      await stop();
    }
  });
});
