import { describe, expect, it, onTestFinished } from 'vitest';
import { EchoBackend } from '../../fixtures/echo-backend.js';
import { testKernel } from '../../helpers/kernel.js';

describe('process trees', () => {
  it('children roll their usage up to the group parent, which exits when its owner says', async () => {
    const { kernel, stop } = await testKernel();
    onTestFinished(stop); // even when an assertion fails
    const group = kernel.spawnGroup({ prompt: 'ensemble', max_tokens: 8 }, 'o');
    const parent = group.proc;
    expect(parent.state).toBe('running');
    const kids = [kernel.spawn({ prompt: 'a b', max_tokens: 8 }, 'o', parent.pid), kernel.spawn({ prompt: 'c d e', max_tokens: 8 }, 'o', parent.pid)];
    await Promise.all(kids.map((k) => kernel.procs.wait(k.pid, 2000)));
    expect(parent.children).toEqual(kids.map((k) => k.pid));
    expect(parent.usage.completion_tokens).toBe(kids[0].usage.completion_tokens + kids[1].usage.completion_tokens);
    expect(parent.usage.cost_usd).toBeCloseTo(kids[0].usage.cost_usd + kids[1].usage.cost_usd, 12);
    group.exit({ result: { text: 'fused', finish_reason: 'stop' } });
    expect(parent.exit).toBe('ok');
  });

  it('killing the parent kills its running and queued children', async () => {
    const { kernel, stop } = await testKernel({ backends: [new EchoBackend('one', { concurrency: 1 }, 5)] });
    onTestFinished(stop); // even when an assertion fails
    const parent = kernel.spawnGroup({ prompt: 'tree', max_tokens: 8 }, 'o').proc;
    const kids = [0, 1, 2].map(() => kernel.spawn({ prompt: 'hang', max_tokens: 8 }, 'o', parent.pid));
    await new Promise((r) => setTimeout(r, 20));
    expect(kids.map((k) => k.state)).toEqual(['running', 'ready', 'ready']);
    kernel.kill(parent.pid);
    await Promise.all(kids.map((k) => kernel.procs.wait(k.pid, 2000)));
    expect(kids.map((k) => k.exit)).toEqual(['killed', 'killed', 'killed']);
    expect(parent.exit).toBe('killed');
    expect(kernel.res.inUse('one')).toBe(0);
  });
});

describe('per-process container', () => {
  it('holds the process, its signal, budget and logger', async () => {
    const { TOKENS } = await import('../../../src/core/tokens.js');
    const { kernel, stop } = await testKernel();
    onTestFinished(stop); // even when an assertion fails
    const p = kernel.spawn({ prompt: 'x' }, 'dana');
    const c = p.container!;
    expect(c.resolve(TOKENS.Proc)).toBe(p);
    expect(c.resolve(TOKENS.ProcSignal)).toBe(p.signal);
    expect(c.resolve<{ limit: unknown }>(TOKENS.ProcBudget)).toHaveProperty('limit');
    expect(typeof c.resolve<{ info: unknown }>(TOKENS.ProcLogger).info).toBe('function');
    expect(c.resolve(TOKENS.Kernel)).toBe(kernel); // inherited from the kernel's container
    await kernel.procs.wait(p.pid, 2000);
  });
});
