import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { bootPlugins, run, streamed, type Booted } from '../../unit/models/harness.js';
import { raceTightBudget } from './budget-race.js';

/** model-openai against llama.cpp's own OpenAI-compatible server (PyPI xllamacpp) serving the same GGUF. */
describe('model-openai against the real llama.cpp server', () => {
  let os: Booted;
  let upstream: string;
  beforeAll(async () => {
    const baseURL = inject('llamaBaseURL');
    upstream = (await new OpenAI({ baseURL, apiKey: 'none' }).models.list()).data[0].id;
    os = await bootPlugins(
      { 'model-openai': { base_url: baseURL, api_key_env: 'LLMOS_TEST_NO_KEY', models: [{ id: 'llama-server/smollm2', model: upstream, context_window: 4096, max_output_tokens: 2048, concurrency: 1 }] } },
      { callTimeoutMs: 120_000 },
    );
  });
  afterAll(async () => os?.stop());

  it('streams a translation with usage reported by the server', async () => {
    const pieces: string[] = [];
    const follow = (_p: unknown, text: string) => void pieces.push(text);
    os.kernel.procs.on('token', follow); // someone follows the tokens, so the call streams
    const p = await run(os.kernel, { prompt: "Translate 'good morning' into French", temperature: 0, seed: 42, max_tokens: 48 }, 120_000).finally(() => os.kernel.procs.off('token', follow));
    expect(p.exit, JSON.stringify(p.error)).toBe('ok');
    expect(p.result!.text.trim().length).toBeGreaterThan(0);
    expect(p.usage.prompt_tokens).toBeGreaterThan(5);
    expect(p.usage.completion_tokens).toBeGreaterThan(0);
    expect(p.usage.completion_tokens).toBeLessThanOrEqual(48);
    expect(p.streamed).toBeGreaterThan(1); // real streaming: many chunks, not one
    expect(pieces.join('')).toBe(p.result!.text);
    expect(await os.kernel.models.probe('llama-server/smollm2')).toMatchObject({ ok: true, detail: `serves ${upstream}` });
  });

  it('asks for one JSON answer when nobody follows the tokens, with the same text and usage', async () => {
    const p = await run(os.kernel, { prompt: "Translate 'good morning' into French", temperature: 0, seed: 42, max_tokens: 48 }, 120_000);
    expect(p.exit, JSON.stringify(p.error)).toBe('ok');
    expect(p.streamed).toBe(0);
    expect(p.result!.text.trim().length).toBeGreaterThan(0);
    expect(p.usage.completion_tokens).toBeGreaterThan(0);
    expect(p.usage.prompt_tokens).toBeGreaterThan(5);
  });

  it('proc kill aborts the in-flight request, so the server is free for the next call at once', async () => {
    const p = os.kernel.spawn({ prompt: 'Write a very long story about a dragon and a knight.', temperature: 0, max_tokens: 2000 } as never, 'tester');
    await streamed(os.kernel, p.pid, 3);
    os.kernel.kill(p.pid);
    const done = await os.kernel.procs.wait(p.pid, 10_000);
    expect(done.exit).toBe('killed');
    expect(done.attempts[0].error?.code).toBe('LLMOS_EKILLED');
    // The server runs one request at a time: had it kept generating 2000 tokens, this call would queue behind it.
    const t0 = performance.now();
    const next = await run(os.kernel, { prompt: 'Say hi.', temperature: 0, max_tokens: 4 }, 120_000);
    expect(next.exit).toBe('ok');
    expect(performance.now() - t0).toBeLessThan(20_000);
  });

  it('passes a response_format JSON schema through to the server, which constrains the answer', async () => {
    const schema = { type: 'object', properties: { colour: { type: 'string' } }, required: ['colour'] };
    const p = await run(os.kernel, { prompt: 'Name one colour.', temperature: 0, max_tokens: 32, response_format: { type: 'json_schema', name: 'pick', schema, strict: true } }, 120_000);
    expect(p.exit, JSON.stringify(p.error)).toBe('ok');
    expect(typeof JSON.parse(p.result!.text).colour).toBe('string');
  });

  it('never overspends a tight budget raced by 50 concurrent calls: admission counts the chat template', async () => {
    await raceTightBudget(os.kernel, 'llama-server/smollm2', 'racer-openai');
  });
});
