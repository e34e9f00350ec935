import { afterEach, describe, expect, it } from 'vitest';
import { EchoBackend } from '../../fixtures/echo-backend.js';
import { bootManager, removeDir, until, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  if (h) removeDir(h.dataDir);
  h = undefined;
});

describe('budgets', () => {
  it('budget_set / budget_get: omitted fields keep their value, null lifts a limit', async () => {
    h = await bootManager({ backends: [new EchoBackend('echo')] });
    expect(await h.call('budget_get', {})).toMatchObject({ owner: 'tester', limit: { tokens: null, cost_usd: null }, remaining: { tokens: null } });
    await h.call('budget_set', { tokens: 100, cost_usd: 1 });
    expect((await h.call('budget_set', { owner: 'self', cost_usd: null })).limit).toEqual({ tokens: 100, cost_usd: null });
    expect((await h.call('budget_get', { owner: 'someone-else' })).limit).toEqual({ tokens: null, cost_usd: null });
    await expect(h.call('budget_set', { tokens: -1 })).rejects.toMatchObject({ code: 'LLMOS_EINVAL' });
  });

  it('is never overspent by concurrent spawns: calls that could exceed it fail with LLMOS_EBUDGET before reaching the model', async () => {
    const echo = new EchoBackend('echo', { concurrency: 8 }, 3);
    h = await bootManager({ backends: [echo] });
    const limit = 150;
    await h.call('budget_set', { owner: 'tight', tokens: limit });
    const prompt = 'w '.repeat(20).trim(); // 39 chars: ~14 tokens estimated with the message overhead
    const records = await Promise.all(Array.from({ length: 24 }, () => h!.call('proc_spawn', { prompt, max_tokens: 20, wait: true }, 'tight')));

    const ok = records.filter((r) => r.exit === 'ok');
    const refused = records.filter((r) => r.error?.code === 'LLMOS_EBUDGET');
    expect(ok.length + refused.length).toBe(24);
    expect(ok.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    expect(echo.calls).toBe(ok.length); // refused calls never reached the backend
    for (const r of refused) expect(r.attempts.length === 0 || r.attempts.every((a: { error: unknown }) => a.error)).toBe(true);
    const b = await h.call('budget_get', { owner: 'tight' });
    expect(b.spent.tokens).toBeLessThanOrEqual(limit);
    expect(b.reserved.tokens).toBe(0);
    expect(b.reserved.cost_usd).toBeCloseTo(0, 12); // float residue of reserve/settle
    expect(b.spent.tokens).toBe(ok.reduce((s, r) => s + r.usage.prompt_tokens + r.usage.completion_tokens, 0));
    expect(refused[0].error.message).toMatch(/tokens budget of 150/);
  });

  it('a cost budget holds the same way', async () => {
    const echo = new EchoBackend('pricey', { concurrency: 4, pricing: { input_per_1k: 10, output_per_1k: 10 } }, 2);
    h = await bootManager({ backends: [echo] });
    await h.call('budget_set', { cost_usd: 0.5 });
    const records = await Promise.all(Array.from({ length: 10 }, () => h!.call('proc_spawn', { prompt: 'a b c d', max_tokens: 10, wait: true })));
    const b = await h.call('budget_get', {});
    expect(b.spent.cost_usd).toBeLessThanOrEqual(0.5);
    expect(records.some((r) => r.error?.code === 'LLMOS_EBUDGET')).toBe(true);
    expect(echo.calls).toBe(records.filter((r) => r.exit === 'ok').length);
  });
});

describe('context-window admission', () => {
  it('proc_spawn with a prompt + max_tokens over the window fails with LLMOS_ECONTEXT naming the sizes', async () => {
    const echo = new EchoBackend('small', { capabilities: { context_window: 64, max_output_tokens: 1024, streaming: true, tool_calling: false } });
    h = await bootManager({ backends: [echo] });
    const r = await h.call('proc_spawn', { prompt: 'x'.repeat(200), max_tokens: 16, wait: true });
    expect(r).toMatchObject({ exit: 'failed', error: { code: 'LLMOS_ECONTEXT' } });
    expect(r.error.message).toContain('prompt (58 tokens) + max_tokens (16) = 74 exceeds small\'s context window of 64');
    expect(echo.calls).toBe(0);
    expect(await h.call('proc_spawn', { prompt: 'x'.repeat(100), max_tokens: 16, wait: true })).toMatchObject({ exit: 'ok' });
  });
});

describe('rate limits', () => {
  it('an rpm limit delays the next call (state blocked) instead of failing it', async () => {
    const echo = new EchoBackend('limited', { limits: { rpm: 1 } });
    h = await bootManager({ backends: [echo] });
    const first = await h.call('proc_spawn', { prompt: 'one', wait: true });
    expect(first.exit).toBe('ok');
    const second = h.kernel.spawn({ prompt: 'two' } as never, 'tester');
    await until(h.kernel, () => second.state === 'blocked');
    await new Promise((r) => setTimeout(r, 300));
    expect(second.state).toBe('blocked'); // still waiting, with free slots: the limit holds it
    expect(second.exit).toBeUndefined();
    expect(echo.calls).toBe(1);
    const delay = h.kernel.res.rateDelay(echo.info, 1);
    expect(delay).toBeGreaterThan(55_000); // the window frees up one minute after the first call
    expect(delay).toBeLessThanOrEqual(60_000);
    h.kernel.kill(second.pid);
    expect((await h.kernel.procs.wait(second.pid, 5000)).exit).toBe('killed');
  });

  it('a tpm limit delays a call whose tokens do not fit the minute', async () => {
    const echo = new EchoBackend('tpm', { limits: { tpm: 60 } });
    h = await bootManager({ backends: [echo] });
    expect((await h.call('proc_spawn', { prompt: 'a b c', max_tokens: 40, wait: true })).exit).toBe('ok');
    const next = h.kernel.spawn({ prompt: 'd e f', max_tokens: 40 } as never, 'tester');
    await until(h.kernel, () => next.state === 'blocked');
    await new Promise((r) => setTimeout(r, 200));
    expect([next.state, echo.calls]).toEqual(['blocked', 1]);
    h.kernel.kill(next.pid);
    await h.kernel.procs.wait(next.pid, 5000);
  });
});
