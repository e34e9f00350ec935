import { describe, expect, it, onTestFinished } from 'vitest';
import fcfs from '../../../plugins/sched-fcfs/index.js';
import { definePlugin, LlmosError, plainText, z, type PromptParts } from '../../../src/plugin-api/index.js';
import { EchoBackend, firstAllocator } from '../../fixtures/echo-backend.js';
import { testKernel } from '../../helpers/kernel.js';

/** A promise the test resolves when it chooses. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  let entered!: () => void;
  const reached = new Promise<void>((r) => (entered = r));
  return { opened, open, reached, enter: entered };
}

/** An echo backend whose countTokens (llamacpp loads its model there) waits on a gate for prompts starting with "gated". */
class SlowCounting extends EchoBackend {
  readonly g = gate();
  countTokens(prompt: PromptParts): number | Promise<number> {
    const text = plainText(prompt.messages.at(-1)?.content ?? '');
    if (!text.startsWith('gated')) return text.length;
    this.g.enter();
    return this.g.opened.then(() => text.length);
  }
}

/** The first-candidate allocator, waiting on a gate for tasks tagged metadata.gated. */
const gatedAllocatorPlugin = (g: ReturnType<typeof gate>, backend: EchoBackend) =>
  definePlugin({
    name: 'test-gated-alloc',
    version: '1.0.0',
    provides: ['model', 'allocator'],
    options: z.object({}),
    register(scope) {
      scope.model(backend);
      scope.allocator('gated', () => {
        const first = firstAllocator();
        return { name: 'gated', choose: async (task, c, ctx) => (task.metadata.gated ? (g.enter(), await g.opened) : undefined, first.choose(task, c, ctx)) };
      });
    },
  });

describe('admission: a kill while a picked process awaits', () => {
  const cases = {
    'the backend counting tokens': async () => {
      const echo = new SlowCounting('one', { concurrency: 1 });
      return { echo, g: echo.g, booted: await testKernel({ backends: [echo] }), task: { prompt: 'gated prompt' } };
    },
    'the allocator choosing': async () => {
      const echo = new EchoBackend('one', { concurrency: 1 });
      const g = gate();
      return { echo, g, booted: await testKernel({ inline: [fcfs, gatedAllocatorPlugin(g, echo)] }), task: { prompt: 'p', metadata: { gated: true } } };
    },
  };
  for (const [where, setup] of Object.entries(cases))
    it(`during ${where}: exits killed at once, never calls the model, charges nothing`, async () => {
      const { echo, g, booted, task } = await setup();
      const { kernel, stop } = booted;
      onTestFinished(stop);
      const p = kernel.spawn(task, 'o');
      await g.reached;
      expect(p.state).toBe('blocked'); // left READY when picked, before the first await
      kernel.kill(p.pid);
      const q = await kernel.procs.wait(p.pid, 2000); // recorded while the await is still pending
      expect(q).toMatchObject({ exit: 'killed', error: { code: 'LLMOS_EKILLED' } });
      g.open();
      // One slot: the next process runs only once the killed one's run path has finished.
      const next = kernel.spawn({ prompt: 'after' }, 'o');
      expect((await kernel.procs.wait(next.pid, 2000)).exit).toBe('ok');
      expect(echo.calls).toBe(1); // only `next` reached the model
      expect(p.usage).toEqual({ prompt_tokens: 0, completion_tokens: 0, cost_usd: 0 });
      expect(p.attempts).toEqual([]);
      const b = await kernel.res.budget('o');
      expect(b.spent.tokens).toBe(next.usage.prompt_tokens + next.usage.completion_tokens);
      expect(b.reserved.tokens).toBe(0);
      expect(kernel.res.inUse('one')).toBe(0);
    });
});

describe('admission charges what a stopped call used', () => {
  it('a call killed mid-stream is charged its prompt and the tokens it streamed, to the process and the budget', async () => {
    const echo = new EchoBackend('slow', {}, 15);
    const { kernel, stop } = await testKernel({ backends: [echo] });
    onTestFinished(stop);
    const p = kernel.spawn({ prompt: Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ') }, 'o');
    const unwatch = kernel.procs.watch(p.pid, () => {}); // someone listens: the call streams
    onTestFinished(unwatch);
    await expect.poll(() => p.streamed).toBeGreaterThanOrEqual(3);
    kernel.kill(p.pid, new LlmosError('LLMOS_ETIMEDOUT', 'deadline (test)'));
    await kernel.procs.wait(p.pid, 2000);
    expect(p).toMatchObject({ exit: 'timeout', error: { code: 'LLMOS_ETIMEDOUT' } });
    expect(p.usage.completion_tokens).toBe(p.streamed);
    expect(p.usage.prompt_tokens).toBeGreaterThan(0);
    expect(p.usage.cost_usd).toBeGreaterThan(0);
    const b = await kernel.res.budget('o');
    expect(b.spent.tokens).toBe(p.usage.prompt_tokens + p.usage.completion_tokens);
    expect(b.spent.cost_usd).toBeCloseTo(p.usage.cost_usd, 12);
    expect(b.reserved.tokens).toBe(0);
  });

  it('a failed call is charged what the backend reports on the error (data.usage)', async () => {
    class Failing extends EchoBackend {
      override async complete(): Promise<never> {
        this.calls++;
        throw new LlmosError('LLMOS_EUPSTREAM', 'cut off after partial output (test)', { retryable: false, usage: { prompt_tokens: 7, completion_tokens: 5 } });
      }
    }
    const { kernel, stop } = await testKernel({ backends: [new Failing('f')] });
    onTestFinished(stop);
    const p = await kernel.procs.wait(kernel.spawn({ prompt: 'x' }, 'o').pid, 2000);
    expect(p).toMatchObject({ exit: 'failed', error: { code: 'LLMOS_EUPSTREAM' }, usage: { prompt_tokens: 7, completion_tokens: 5 } });
    expect((await kernel.res.budget('o')).spent.tokens).toBe(12);
  });
});
