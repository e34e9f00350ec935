import { describe, expect, it, onTestFinished } from 'vitest';
import { contentText, type CompleteOptions, type CompletionRequest, type PromptParts } from '../../../src/plugin-api/index.js';
import { EchoBackend } from '../../fixtures/echo-backend.js';
import { testKernel } from '../../helpers/kernel.js';

/** A default system prompt the template adds when the messages have none (SmolLM2's takes 20 tokens). */
const HIDDEN_SYSTEM_TOKENS = 20;

/**
 * A scripted model with a chat template: it reads a hidden default system
 * prompt, 5 tokens of markers per message, 1 token per CJK character and 1
 * per 4 ASCII characters, and answers max_tokens tokens after a short wait
 * (so that calls overlap). `counts` says whether it offers countTokens.
 */
class TemplatedBackend extends EchoBackend {
  readonly countTokens?: (prompt: PromptParts) => number;

  constructor(id: string, counts: boolean) {
    super(id, { concurrency: 50, capabilities: { context_window: 4096, max_output_tokens: 64, streaming: false, tool_calling: false } });
    if (counts) this.countTokens = (prompt) => this.read(prompt);
  }

  /** Tokens the model reads: as its template renders the messages. */
  read(prompt: PromptParts): number {
    const hasSystem = prompt.messages.some((m) => m.role === 'system');
    let tokens = (hasSystem ? 0 : HIDDEN_SYSTEM_TOKENS + 5) + 3;
    for (const m of prompt.messages) {
      const text = contentText(m.content);
      const cjk = [...text].filter((c) => c.codePointAt(0)! >= 0x2e80).length;
      tokens += 5 + cjk + Math.ceil((text.length - cjk) / 4);
    }
    return tokens;
  }

  override async complete(req: CompletionRequest, { signal }: CompleteOptions) {
    this.calls++;
    await new Promise((resolve) => setTimeout(resolve, 5));
    signal.throwIfAborted();
    return { text: 'ok '.repeat(req.max_tokens).trim(), usage: { prompt_tokens: this.read(req), completion_tokens: req.max_tokens }, finish_reason: 'length' };
  }
}

const CJK_PROMPT = '请把这句话翻译成英文：早上好，今天天气很好。';

describe('admission: budgets are never overspent', () => {
  for (const counts of [true, false])
    it(`50 concurrent calls racing a tight budget spend at most the budget (${counts ? 'backend counts with its template' : 'kernel estimate, CJK prompt'})`, async () => {
      const backend = new TemplatedBackend('templated', counts);
      const { kernel, stop } = await testKernel({ backends: [backend] });
      onTestFinished(stop);
      const limit = 400;
      await kernel.res.setBudget('o', { tokens: limit });
      // The kernel's estimate cannot know a hidden system prompt (see estimatePromptTokens): give one.
      const system = counts ? undefined : 'Answer in one line.';
      const procs = Array.from({ length: 50 }, () => kernel.spawn({ prompt: CJK_PROMPT, system, max_tokens: 8 }, 'o'));
      const done = await Promise.all(procs.map((p) => kernel.procs.wait(p.pid, 10_000)));
      const ok = done.filter((p) => p.exit === 'ok');
      const b = await kernel.res.budget('o');
      expect(b.spent.tokens).toBeLessThanOrEqual(limit);
      expect(b.reserved.tokens).toBe(0);
      expect(ok.length).toBeGreaterThan(0);
      expect(done.filter((p) => p.error?.code === 'LLMOS_EBUDGET').length).toBe(50 - ok.length);
      expect(b.spent.tokens).toBe(ok.reduce((n, p) => n + p.usage.prompt_tokens + p.usage.completion_tokens, 0));
    });

  it('a 10-token budget refuses a call whose template alone takes more, and spends nothing', async () => {
    const backend = new TemplatedBackend('templated', true);
    const { kernel, stop } = await testKernel({ backends: [backend] });
    onTestFinished(stop);
    await kernel.res.setBudget('o', { tokens: 10 });
    const p = await kernel.procs.wait(kernel.spawn({ prompt: 'Hi', max_tokens: 1 }, 'o').pid, 5_000);
    expect(p).toMatchObject({ exit: 'failed', error: { code: 'LLMOS_EBUDGET' } });
    expect(backend.calls).toBe(0);
    expect((await kernel.res.budget('o')).spent.tokens).toBe(0);
  });
});
