import { describe, expect, it, onTestFinished } from 'vitest';
import { EchoBackend } from '../../fixtures/echo-backend.js';
import { testKernel } from '../../helpers/kernel.js';
import type { BudgetHandle, Spend } from '../../../src/kernel/resources.js';

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
  it('is built at admission, not at spawn, and holds the budget handle, logger and signal the admission step resolves', async () => {
    const { TOKENS } = await import('../../../src/core/tokens.js');
    const { procContainer } = await import('../../../src/kernel/proc-scope.js');
    const { kernel, stop } = await testKernel();
    onTestFinished(stop); // even when an assertion fails
    const p = kernel.spawn({ prompt: 'x' }, 'dana');
    expect(p.container).toBeUndefined(); // spawn stays cheap
    // Swap in a spying budget handle before the dispatcher admits p (it runs after this tick).
    const c = procContainer(kernel.container, kernel.res, kernel.log, p);
    const real = c.resolve<BudgetHandle>(TOKENS.ProcBudget);
    expect(real.owner).toBe('dana');
    const settled: Spend[] = [];
    const spy: BudgetHandle = { owner: 'dana', reserve: async (worst) => { const settle = await real.reserve(worst); return (s) => (settled.push(s), settle(s)); } };
    c.registerInstance(TOKENS.ProcBudget, spy);
    let during: unknown;
    kernel.procs.on('state', (q) => q === p && q.state === 'running' && (during = q.container));
    await kernel.procs.wait(p.pid, 2000);
    expect(during).toBe(c); // the container admission used
    expect(p.container).toBeUndefined(); // dropped at exit
    expect(settled).toEqual([{ tokens: p.usage.prompt_tokens + p.usage.completion_tokens, cost_usd: p.usage.cost_usd }]);
    expect((await kernel.res.budget('dana')).spent.tokens).toBe(p.usage.prompt_tokens + p.usage.completion_tokens);
    expect(c.resolve(TOKENS.ProcSignal)).toBe(p.signal);
    expect(typeof c.resolve<{ info: unknown }>(TOKENS.ProcLogger).info).toBe('function');
    expect(c.isRegistered(Symbol.for('llmos.Kernel'), true)).toBe(false); // plugins never reach the Kernel through DI
  });
});
