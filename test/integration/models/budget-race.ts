import { expect } from 'vitest';
import type { Kernel } from '../../../src/kernel/kernel.js';

/**
 * 50 concurrent calls of `model` race an owner's tight budget (room for
 * about 3 of them): none may overspend it. Then a 10-token budget refuses a
 * call whose chat template alone is longer, and spends nothing.
 */
export async function raceTightBudget(kernel: Kernel, model: string, owner: string): Promise<void> {
  const limit = 150;
  await kernel.res.setBudget(owner, { tokens: limit });
  const task = { prompt: 'Say hi in Chinese: 你好，早上好。', model, temperature: 0, seed: 1, max_tokens: 4 };
  const procs = Array.from({ length: 50 }, () => kernel.spawn(task, owner));
  const done = await Promise.all(procs.map((p) => kernel.procs.wait(p.pid, 300_000)));
  const ok = done.filter((p) => p.exit === 'ok');
  const b = await kernel.res.budget(owner);
  expect(ok.length, JSON.stringify(done.find((p) => p.exit !== 'ok')?.error)).toBeGreaterThan(0);
  expect(done.filter((p) => p.error?.code === 'LLMOS_EBUDGET').length).toBe(50 - ok.length);
  expect(b.spent.tokens).toBe(ok.reduce((n, p) => n + p.usage.prompt_tokens + p.usage.completion_tokens, 0));
  expect(b.spent.tokens).toBeLessThanOrEqual(limit);
  expect(b.reserved.tokens).toBe(0);

  const tiny = `${owner}-tiny`;
  await kernel.res.setBudget(tiny, { tokens: 10 });
  const p = await kernel.procs.wait(kernel.spawn({ prompt: 'Hi', model, max_tokens: 1 }, tiny).pid, 60_000);
  expect(p).toMatchObject({ exit: 'failed', error: { code: 'LLMOS_EBUDGET' } });
  expect((await kernel.res.budget(tiny)).spent.tokens).toBe(0);
}
