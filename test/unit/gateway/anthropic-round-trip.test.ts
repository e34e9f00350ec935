import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountAnthropicRoutes } from '../../../plugins/gateway-anthropic/index.js';
import { mountOpenAiRoutes } from '../../../plugins/gateway-openai/index.js';
import { serveHttp } from '../../../src/mcp/http.js';
import { kernelApi } from '../../../src/kernel/api.js';
import { MessagesBackend } from '../../fixtures/messages-backend.js';
import { testKernel } from '../../helpers/kernel.js';
import { bootPlugins, run, type Booted } from '../models/harness.js';

const TOKEN = 'round-trip-token';
const weather = { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };
const time = { type: 'function' as const, function: { name: 'get_time', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };

/**
 * OpenAI client → LLMOS (gateway-openai) → model-anthropic → a second LLMOS
 * serving the Messages API (gateway-anthropic) → a tool-calling model: both
 * translations, both directions, over real HTTP with both official SDKs.
 */
describe('model-anthropic against LLMOS\'s own Messages API (OpenAI client in, Anthropic upstream)', () => {
  let upstream: Awaited<ReturnType<typeof testKernel>>;
  let upstreamHttp: Awaited<ReturnType<typeof serveHttp>>;
  let os: Booted;
  let http: Awaited<ReturnType<typeof serveHttp>>;
  let openai: OpenAI;
  const tooler = new MessagesBackend('tooler');

  beforeAll(async () => {
    upstream = await testKernel({ backends: [tooler] });
    upstreamHttp = await serveHttp(upstream.kernel, { host: '127.0.0.1', port: 0, token: TOKEN, mount: (app) => mountAnthropicRoutes(app, kernelApi(upstream.kernel), { owner: 'anthropic-gateway', models: {} }) });
    process.env.LLMOS_TEST_ANTHROPIC_KEY = TOKEN;
    const model = { id: 'anthropic/tooler', model: 'tooler', tool_calling: true, context_window: 8192, max_output_tokens: 512, pricing: { input_per_1k: 3, output_per_1k: 15 } };
    os = await bootPlugins({ 'model-anthropic': { base_url: upstreamHttp.url, api_key_env: 'LLMOS_TEST_ANTHROPIC_KEY', models: [model, { ...model, id: 'anthropic/missing', model: 'no-such-model' }], probe_on_start: false } });
    http = await serveHttp(os.kernel, { host: '127.0.0.1', port: 0, token: TOKEN, mount: (app) => mountOpenAiRoutes(app, kernelApi(os.kernel)) });
    openai = new OpenAI({ baseURL: `${http.url}/v1`, apiKey: TOKEN, maxRetries: 0 });
  });
  afterAll(async () => {
    await http?.close();
    await os?.stop();
    await upstreamHttp?.close();
    await upstream?.stop();
  });

  it('answers text whole and streamed, with the upstream\'s usage and its cost', async () => {
    const r = await openai.chat.completions.create({ model: 'anthropic/tooler', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hello there' }], max_tokens: 16 });
    expect(r.choices[0]).toMatchObject({ message: { content: 'echo: hello there' }, finish_reason: 'stop' });
    expect(r.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 3 });
    expect(tooler.requests.at(-1)!.messages[0]).toEqual({ role: 'system', content: 'be brief' }); // system went as Anthropic's `system` and came back as a system message
    const stream = await openai.chat.completions.create({ model: 'anthropic/tooler', messages: [{ role: 'user', content: 'one two three' }], max_tokens: 16, stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('').trim()).toBe('echo: one two three');
    expect(chunks.filter((c) => c.choices[0]?.delta.content).length).toBeGreaterThanOrEqual(4); // streamed through both hops
    expect(chunks.at(-1)!.usage).toMatchObject({ completion_tokens: 4 });
  });

  it('turns parallel tool_use blocks (whole and streamed as input_json_delta) into tool_calls, and tool messages back into tool_result blocks', async () => {
    const r = await openai.chat.completions.create({ model: 'anthropic/tooler', messages: [{ role: 'user', content: 'Weather and time?' }], tools: [weather, time], tool_choice: 'required' });
    expect(r.choices[0].finish_reason).toBe('tool_calls');
    expect(r.choices[0].message.tool_calls).toEqual([
      { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      { id: 'toolu_2', type: 'function', function: { name: 'get_time', arguments: '{"city":"Paris"}' } },
    ]);
    expect(tooler.requests.at(-1)!.tool_choice).toBe('required'); // "required" → Anthropic "any" → "required"
    const s = await openai.chat.completions.create({ model: 'anthropic/tooler', messages: [{ role: 'user', content: 'Weather and time?' }], tools: [weather, time], stream: true });
    const calls = [];
    for await (const c of s) calls.push(...(c.choices[0]?.delta.tool_calls ?? []));
    expect(calls.map((c) => [c.id, c.function?.arguments])).toEqual([['toolu_1', '{"city":"Paris"}'], ['toolu_2', '{"city":"Paris"}']]);
    const back = await openai.chat.completions.create({
      model: 'anthropic/tooler',
      tools: [weather, time],
      messages: [{ role: 'user', content: 'Weather and time?' }, r.choices[0].message, { role: 'tool', tool_call_id: 'toolu_1', content: 'sunny' }, { role: 'tool', tool_call_id: 'toolu_2', content: '14:00' }],
    });
    expect(back.choices[0].message.content).toBe('results: toolu_1=sunny, toolu_2=14:00'); // both results in one user message upstream
  });

  it('maps stop_sequence and max_tokens back, and keeps the stop sequence on the process', async () => {
    const p = await run(os.kernel, { model: 'anthropic/tooler', prompt: 'stop: say banana', stop: ['a'] });
    expect(p.result).toMatchObject({ finish_reason: 'stop', stop_sequence: 'a', text: 'A: b' });
    const long = await openai.chat.completions.create({ model: 'anthropic/tooler', messages: [{ role: 'user', content: 'long: go' }], max_tokens: 2 });
    expect(long.choices[0].finish_reason).toBe('length');
    expect(p.usage.cost_usd).toBeCloseTo((11 * 3 + 7 * 15) / 1000, 6);
  });

  it('refuses what the Messages API cannot honour, and reports an upstream 404 as a non-retryable upstream error', async () => {
    const refused = await run(os.kernel, { model: 'anthropic/tooler', prompt: 'hi', response_format: { type: 'json_object' } });
    expect(refused.error).toMatchObject({ code: 'LLMOS_EINVAL', message: expect.stringContaining('response_format') });
    const missing = await run(os.kernel, { model: 'anthropic/missing', prompt: 'hi' });
    expect(missing.error).toMatchObject({ code: 'LLMOS_EUPSTREAM', message: expect.stringContaining('404') });
    expect(missing.attempts).toHaveLength(1); // a 4xx is not retried
  });
});
