import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { mountAnthropicRoutes } from '../../../plugins/gateway-anthropic/index.js';
import { mountOpenAiRoutes } from '../../../plugins/gateway-openai/index.js';
import { serveHttp } from '../../../src/mcp/http.js';
import { kernelApi } from '../../../src/kernel/api.js';
import { bootPlugins, type Booted } from '../../unit/models/harness.js';

const TOKEN = 'conformance-token';
const SLOW = 240_000; // SmolLM2 on a shared 2-core machine
const weather = { name: 'get_weather', description: 'Weather of a city', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] } };

/** The SSE event names of a streamed POST /v1/messages, and its events by name. */
async function streamEvents(url: string, body: unknown) {
  const r = await fetch(`${url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': TOKEN, 'content-type': 'application/json' }, body: JSON.stringify({ ...body as object, stream: true }) });
  expect(r.status).toBe(200);
  const events = (await r.text()).split('\n\n').filter(Boolean).map((c) => {
    const [ev, data] = c.split('\n');
    return { name: ev.replace(/^event: /, ''), data: JSON.parse(data.replace(/^data: /, '')) };
  });
  return { names: events.map((e) => e.name), events };
}

/**
 * Translation both ways through real models: the official Anthropic SDK
 * against LLMOS's /v1/messages served by an OpenAI-compatible model
 * (llama.cpp's server behind model-openai) and by the in-process SmolLM2
 * (model-llamacpp); the official OpenAI SDK against /v1/chat/completions
 * served by model-anthropic calling llama.cpp's own /v1/messages.
 */
describe('Messages conformance with real llama.cpp (xllamacpp server and in-process SmolLM2)', () => {
  let os: Booted;
  let http: Awaited<ReturnType<typeof serveHttp>>;
  let claude: Anthropic;
  let openai: OpenAI;

  beforeAll(async () => {
    const baseURL = inject('llamaBaseURL');
    const upstream = (await new OpenAI({ baseURL, apiKey: 'none' }).models.list()).data[0].id;
    const model = { model: upstream, context_window: 4096, max_output_tokens: 256, concurrency: 1, tool_calling: true };
    os = await bootPlugins(
      {
        'model-openai': { base_url: baseURL, api_key_env: 'LLMOS_TEST_NO_KEY', models: [{ ...model, id: 'oai/smollm2' }], probe_on_start: false },
        'model-anthropic': { base_url: baseURL.replace(/\/v1$/, ''), api_key_env: 'LLMOS_TEST_NO_KEY', models: [{ ...model, id: 'msg/smollm2' }], probe_on_start: false },
        'model-llamacpp': { model_path: inject('modelPath'), threads: 2, concurrency: 1 },
      },
      { callTimeoutMs: SLOW },
    );
    const api = kernelApi(os.kernel);
    http = await serveHttp(os.kernel, { host: '127.0.0.1', port: 0, token: TOKEN, mount: (app) => (mountOpenAiRoutes(app, api), mountAnthropicRoutes(app, api, { owner: 'anthropic-gateway', models: {} })) });
    claude = new Anthropic({ baseURL: http.url, apiKey: TOKEN, maxRetries: 0, timeout: SLOW });
    openai = new OpenAI({ baseURL: `${http.url}/v1`, apiKey: TOKEN, maxRetries: 0, timeout: SLOW });
  }, SLOW);
  afterAll(async () => {
    await http?.close();
    await os?.stop();
  });

  it('Anthropic client → OpenAI-compatible llama.cpp server: text, max_tokens stop_reason, usage', async () => {
    // temperature 0 (greedy) so the 3-token cap, not a sampled early end, stops the answer; this SDK's types omit the field the API and LLMOS take.
    const params = { model: 'oai/smollm2', max_tokens: 3, temperature: 0, system: 'You are terse.', messages: [{ role: 'user' as const, content: 'Count: one, two, three, four, five' }] };
    const r = await claude.messages.create(params);
    expect(r).toMatchObject({ type: 'message', role: 'assistant', model: 'oai/smollm2', stop_reason: 'max_tokens', stop_sequence: null });
    expect(r.content[0]).toMatchObject({ type: 'text', text: expect.stringMatching(/\S/) });
    expect(r.usage.input_tokens).toBeGreaterThan(10); // counted by the server's tokenizer and template
    expect(r.usage.output_tokens).toBe(3);
  }, SLOW);

  it('Anthropic client → llama.cpp server, streamed: the exact event order, the text adds up, stop_reason in message_delta', async () => {
    const { names, events } = await streamEvents(http.url, { model: 'oai/smollm2', max_tokens: 3, temperature: 0, messages: [{ role: 'user', content: 'Say hello' }] });
    expect(names.slice(0, 3)).toEqual(['message_start', 'ping', 'content_block_start']);
    expect(names.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(new Set(names.slice(3, -3))).toEqual(new Set(['content_block_delta']));
    expect(events.filter((e) => e.name.startsWith('content_block')).every((e) => e.data.index === 0)).toBe(true);
    expect(events.at(-2)!.data).toMatchObject({ delta: { stop_reason: 'max_tokens' }, usage: { output_tokens: 3 } });
  }, SLOW);

  it('Anthropic client with tools and a tool_use/tool_result history: translated into a request the OpenAI-compatible server accepts', async () => {
    const r = await claude.messages.create({
      model: 'oai/smollm2',
      max_tokens: 3,
      tools: [weather],
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: { city: 'Paris' } }, { type: 'tool_use', id: 'toolu_b', name: 'get_weather', input: { city: 'Lyon' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_a', content: 'sunny' }, { type: 'tool_result', tool_use_id: 'toolu_b', content: 'rain', is_error: false }, { type: 'text', text: 'Summarise.' }] },
      ],
    });
    expect(['max_tokens', 'end_turn', 'tool_use']).toContain(r.stop_reason);
    expect(r.usage.input_tokens).toBeGreaterThan(30); // the tool definitions and both results reached the prompt
  }, SLOW);

  it('Anthropic client → in-process SmolLM2: stop_sequences end the answer with stop_reason stop_sequence', async () => {
    const r = await claude.messages.create({ model: 'smollm2-135m', max_tokens: 24, stop_sequences: [' '], messages: [{ role: 'user', content: 'Write a sentence about cats.' }] });
    expect(r).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: ' ' });
    expect((r.content[0] as { text: string }).text).not.toContain(' ');
  }, SLOW);

  it('OpenAI client → model-anthropic → llama.cpp\'s /v1/messages: text, length, stop sequence and usage, whole and streamed', async () => {
    const r = await openai.chat.completions.create({ model: 'msg/smollm2', max_tokens: 3, temperature: 0, messages: [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Count: one, two, three' }] });
    expect(r.choices[0].finish_reason).toBe('length');
    expect(r.choices[0].message.content).toMatch(/\S/);
    expect(r.usage).toMatchObject({ completion_tokens: 3, prompt_tokens: expect.any(Number) });
    expect(r.usage!.prompt_tokens).toBeGreaterThan(10);
    const s = await openai.chat.completions.create({ model: 'msg/smollm2', max_tokens: 3, temperature: 0, messages: [{ role: 'user', content: 'Say hello' }], stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const c of s) chunks.push(c);
    expect(chunks.filter((c) => c.choices[0]?.delta.content).length).toBeGreaterThanOrEqual(2);
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0].finish_reason).toBe('length');
    expect(chunks.at(-1)!.usage).toMatchObject({ completion_tokens: 3 });
  }, SLOW);

  it('OpenAI client with tools and tool messages → model-anthropic: translated into a Messages request llama.cpp accepts', async () => {
    const r = await openai.chat.completions.create({
      model: 'msg/smollm2',
      max_tokens: 3,
      temperature: 0,
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: weather.input_schema } }],
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_a', content: 'sunny' },
      ],
    });
    expect(['length', 'stop', 'tool_calls']).toContain(r.choices[0].finish_reason);
    expect(r.usage!.prompt_tokens).toBeGreaterThan(20);
  }, SLOW);
});
