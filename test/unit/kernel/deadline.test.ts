import { describe, expect, it, vi } from 'vitest';
import { EchoBackend } from '../../fixtures/echo-backend.js';
import { testKernel } from '../../helpers/kernel.js';

const ctx = () => ({ owner: 'tester', signal: new AbortController().signal, progress() {} });
const LONG_PROMPT = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');

describe('deadline_ms', () => {
  it('kills a process that runs past its deadline with exit "timeout"', async () => {
    const { kernel, stop } = await testKernel({ backends: [new EchoBackend('slow', {}, 20)] }); // 20 ms a token: ~0.8 s
    try {
      const rec = await kernel.syscalls.dispatch('proc_spawn', { prompt: LONG_PROMPT, deadline_ms: Date.now() + 100, wait: true }, ctx());
      expect(rec.state).toBe('exited');
      expect(rec.exit).toBe('timeout');
      expect(JSON.stringify(rec.error)).toMatch(/LLMOS_ETIMEDOUT.*deadline/);
    } finally {
      await stop();
    }
  });

  it('clears the deadline timer when a process exits in time', async () => {
    const { kernel, stop } = await testKernel({ backends: [new EchoBackend('echo', {}, 0)] });
    const set = vi.spyOn(globalThis, 'setTimeout');
    const clear = vi.spyOn(globalThis, 'clearTimeout');
    try {
      const rec = await kernel.syscalls.dispatch('proc_spawn', { prompt: 'hi', deadline_ms: Date.now() + 3_600_000, wait: true }, ctx());
      expect(rec.exit).toBe('ok');
      const hourLong = set.mock.results.filter((_, i) => (set.mock.calls[i][1] ?? 0) > 3_000_000).map((r) => r.value);
      expect(hourLong).toHaveLength(1);
      // Cleared at exit, so it no longer holds the process for an hour.
      expect(clear.mock.calls.map(([t]) => t)).toContain(hourLong[0]);
    } finally {
      set.mockRestore();
      clear.mockRestore();
      await stop();
    }
  });

  it('a deadline beyond setTimeout\'s range (30 days) does not fire early', async () => {
    const { kernel, stop } = await testKernel({ backends: [new EchoBackend('echo', {}, 5)] });
    try {
      const rec = await kernel.syscalls.dispatch('proc_spawn', { prompt: 'a b c d', deadline_ms: Date.now() + 30 * 86_400_000, wait: true }, ctx());
      expect(rec.exit).toBe('ok');
    } finally {
      await stop();
    }
  });
});
