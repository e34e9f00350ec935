import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { EchoBackend } from '../../fixtures/echo-backend.js';
import { testKernel } from '../../helpers/kernel.js';

// 15 words: past Node's default of 10 listeners per signal if each streamed token left one behind.
const LONG_PROMPT = Array.from({ length: 15 }, (_, i) => `word${i}`).join(' ');

/** Collects MaxListenersExceededWarning emitted while a test runs. */
function watchLeakWarnings() {
  const seen: string[] = [];
  const onWarning = (w: Error) => {
    if (w.name === 'MaxListenersExceededWarning') seen.push(w.message);
  };
  process.on('warning', onWarning);
  return { seen, stop: () => process.off('warning', onWarning) };
}

describe('abort listeners stay bounded', () => {
  let stopWatching = () => {};
  afterEach(() => stopWatching());

  it('the echo backend leaves no abort listener on the call signal after streaming many tokens', async () => {
    const echo = new EchoBackend('echo', {}, 0);
    const call = new AbortController();
    let peak = 0;
    const out = await echo.complete(
      { messages: [{ role: 'user', content: LONG_PROMPT }], max_tokens: 100 },
      { signal: call.signal, onToken: () => (peak = Math.max(peak, getEventListeners(call.signal, 'abort').length)) },
    );
    expect(out.usage.completion_tokens).toBe(16); // "echo:" + 15 words
    expect(peak).toBeLessThanOrEqual(1);
    expect(getEventListeners(call.signal, 'abort')).toHaveLength(0);
  });

  it('50 waited spawns on one long-lived request signal leave its and every process signal at baseline, without a leak warning', async () => {
    const warnings = watchLeakWarnings();
    stopWatching = warnings.stop;
    const { kernel, stop } = await testKernel({ backends: [new EchoBackend('echo', {}, 0)] });
    try {
      const session = new AbortController(); // e.g. one MCP session reused for every call
      const ctx = { owner: 'tester', signal: session.signal, progress() {} };
      const baseline = getEventListeners(session.signal, 'abort').length;
      const pids: number[] = [];
      for (let i = 0; i < 50; i++) {
        const rec = await kernel.syscalls.dispatch('proc_spawn', { prompt: LONG_PROMPT, wait: true }, ctx);
        expect(rec.exit).toBe('ok');
        pids.push(rec.pid as number);
      }
      expect(getEventListeners(session.signal, 'abort')).toHaveLength(baseline);
      for (const pid of pids) expect(getEventListeners(kernel.procs.must(pid).signal, 'abort'), `pid ${pid}`).toHaveLength(0);
      expect(warnings.seen).toEqual([]);
    } finally {
      await stop();
    }
  });
});
