/**
 * The ModelBackend contract (src/plugin-api/model.ts) as one vitest suite:
 *   modelBackendContract('my-backend', () => new MyBackend(), { slowPrompt: '…' });
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z, type CompletionRequest, type ModelBackend } from '../index.js';

export interface ModelBackendContractOptions {
  /** A prompt the backend answers with at least a few tokens. */
  prompt?: string;
  /** A prompt whose answer takes long enough to be aborted midway (a backend that never stops for it must honour the signal). */
  slowPrompt?: string;
}

const count = z.number().int().nonnegative();
const positive = z.number().positive();

/** What ModelInfo must hold for the allocator and resource manager to read it. */
export const ModelInfoShape = z.object({
  id: z.string().min(1),
  version: z.string().min(1),
  backend: z.string().min(1),
  capabilities: z.object({
    context_window: z.number().int().positive(),
    max_output_tokens: z.number().int().positive(),
    task_types: z.array(z.string()).optional(),
    languages: z.array(z.string()).optional(),
    domains: z.array(z.string()).optional(),
    streaming: z.boolean(),
    tool_calling: z.boolean(),
  }),
  pricing: z.object({ input_per_1k: z.number().nonnegative(), output_per_1k: z.number().nonnegative() }),
  expected_tokens_per_s: positive,
  concurrency: z.number().int().positive(),
  owner: z.string().optional(),
  limits: z.object({ rpm: positive.optional(), tpm: positive.optional() }).optional(),
});

const CompletionShape = z.object({
  text: z.string(),
  usage: z.object({ prompt_tokens: count, completion_tokens: count }),
  finish_reason: z.string().min(1),
});

/** Settles a promise within `ms`, failing the test (not hanging it) when it does not. */
async function settled<T>(p: Promise<T>, ms: number, what: string): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms)));
  try {
    return await Promise.race([p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error })), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** countTokens, when present, is never below the prompt_tokens the answer reports: admission reserves budget from it. */
function itCountsNoLessThanItUses(open: () => Promise<ModelBackend>, prompt: string): void {
  it('counts a prompt at least at the prompt_tokens its answer reports, when it counts', async (ctx) => {
    const b = await open();
    if (!b.countTokens) return ctx.skip('no countTokens: the kernel estimates');
    const req: CompletionRequest = { messages: [{ role: 'system', content: 'Answer briefly.' }, { role: 'user', content: `${prompt} 请用中文回答。` }], max_tokens: 2, temperature: 0, seed: 1 };
    const counted = await b.countTokens(req);
    const c = await b.complete(req, { signal: new AbortController().signal });
    expect(count.parse(counted)).toBeGreaterThanOrEqual(c.usage.prompt_tokens);
  });
}

/** Runs the ModelBackend contract against fresh backends from `make`; each is closed after its test. */
export function modelBackendContract(label: string, make: () => ModelBackend | Promise<ModelBackend>, opts: ModelBackendContractOptions = {}): void {
  const { prompt = 'Name three colours of the rainbow, please.', slowPrompt = 'hang' } = opts;
  const request = (content: string, max_tokens: number): CompletionRequest => ({ messages: [{ role: 'user', content }], max_tokens, temperature: 0, seed: 1 });
  describe(`ModelBackend contract: ${label}`, () => {
    let backend: ModelBackend | undefined;
    const open = async () => (backend = await make());
    afterEach(async () => {
      await backend?.close();
      backend = undefined;
    });

    it('describes itself with a valid ModelInfo', async () => {
      const b = await open();
      expect(() => ModelInfoShape.parse(b.info)).not.toThrow();
      expect(b.info.capabilities.max_output_tokens).toBeLessThanOrEqual(b.info.capabilities.context_window);
    });

    it('answers within max_tokens, counting usage in non-negative integers', async () => {
      const b = await open();
      const c = await b.complete(request(prompt, 3), { signal: new AbortController().signal });
      expect(() => CompletionShape.parse(c)).not.toThrow();
      expect(c.usage.completion_tokens).toBeLessThanOrEqual(3);
      expect(c.text.trim()).not.toBe('');
    });

    it('streams pieces that add up to the text, when it streams', async (ctx) => {
      const b = await open();
      if (!b.info.capabilities.streaming) return ctx.skip('info.capabilities.streaming is false');
      const pieces: string[] = [];
      const c = await b.complete(request(prompt, 8), { signal: new AbortController().signal, onToken: (t) => pieces.push(t) });
      expect(pieces.length).toBeGreaterThan(0);
      expect(pieces.join('').trim()).toBe(c.text.trim());
    });

    it('rejects a call whose signal was aborted before it started', async () => {
      const b = await open();
      const ac = new AbortController();
      ac.abort(new Error('killed before the call'));
      const r = await settled(b.complete(request(prompt, 8), { signal: ac.signal }), 5_000, 'complete() with an aborted signal');
      expect(r.ok, 'complete() resolved although its signal was aborted').toBe(false);
    });

    it('stops and rejects when the signal is aborted during the call', async () => {
      const b = await open();
      const ac = new AbortController();
      const call = b.complete(request(slowPrompt, 64), { signal: ac.signal });
      setImmediate(() => ac.abort(new Error('killed during the call')));
      const r = await settled(call, 5_000, 'complete() after abort');
      expect(r.ok, 'complete() resolved although its signal was aborted midway').toBe(false);
    });

    itCountsNoLessThanItUses(open, prompt);
    it('reports health as {ok}', async () => {
      const b = await open();
      const h = await b.health();
      expect(typeof h.ok).toBe('boolean');
      if (h.latency_ms !== undefined) expect(h.latency_ms).toBeGreaterThanOrEqual(0);
    });
  });
}
