import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountAnthropicRoutes } from '../../../plugins/gateway-anthropic/index.js';
import { mountOpenAiRoutes } from '../../../plugins/gateway-openai/index.js';
import { serveHttp } from '../../../src/mcp/http.js';
import { kernelApi } from '../../../src/kernel/api.js';
import { EchoBackend } from '../../fixtures/echo-backend.js';
import { MessagesBackend } from '../../fixtures/messages-backend.js';
import { call, connect, testKernel } from '../../helpers/kernel.js';

const TOKEN = 'anthropic-gateway-token';
const weather = { name: 'get_weather', description: 'Weather of a city', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] } };
const time = { name: 'get_time', description: 'Local time of a city', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } } };

/** The raw SSE events of a streamed POST /v1/messages, as [event name, data]. */
async function rawEvents(url: string, body: unknown): Promise<Array<[string, Record<string, unknown>]>> {
  const r = await fetch(`${url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': TOKEN, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' }, body: JSON.stringify(body) });
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toBe('text/event-stream');
  return (await r.text())
    .split('\n\n')
    .filter(Boolean)
    .map((chunk) => {
      const [ev, data] = chunk.split('\n');
      return [ev.replace(/^event: /, ''), JSON.parse(data.replace(/^data: /, ''))];
    });
}

describe('Anthropic Messages gateway (official @anthropic-ai/sdk against /v1/messages)', () => {
  let booted: Awaited<ReturnType<typeof testKernel>>;
  let http: Awaited<ReturnType<typeof serveHttp>>;
  let claude: Anthropic;
  const echo = new EchoBackend('echo', {}, 1);
  const tooler = new MessagesBackend('tooler');
  const tiny = new EchoBackend('tiny', { capabilities: { context_window: 64, max_output_tokens: 64, streaming: true, tool_calling: false } }, 1);

  beforeAll(async () => {
    booted = await testKernel({ backends: [echo, tooler, tiny] });
    const api = kernelApi(booted.kernel);
    http = await serveHttp(booted.kernel, {
      host: '127.0.0.1',
      port: 0,
      token: TOKEN,
      mount: (app) => (mountOpenAiRoutes(app, api), mountAnthropicRoutes(app, api, { owner: 'anthropic-gateway', models: { 'claude-test-model': 'tooler' } })),
    });
    claude = new Anthropic({ baseURL: http.url, apiKey: TOKEN, maxRetries: 0 });
  });
  afterAll(async () => {
    await http.close();
    await booted.stop();
  });

  it('answers a message as a process, with the system prompt, usage and metadata.user_id recorded as the caller', async () => {
    const { data, response } = await claude.messages
      .create({ model: 'tooler', max_tokens: 16, system: 'be brief', messages: [{ role: 'user', content: 'hello claude' }], metadata: { user_id: 'alice-42' } })
      .withResponse();
    expect(data).toMatchObject({ type: 'message', role: 'assistant', model: 'tooler', content: [{ type: 'text', text: 'echo: hello claude' }], stop_reason: 'end_turn', stop_sequence: null });
    expect(data.usage).toMatchObject({ input_tokens: 3, output_tokens: 3 });
    const pid = Number(response.headers.get('x-llmos-pid'));
    expect(data.id).toBe(`msg_llmos_${pid}`);
    const mcp = await connect(booted.kernel);
    const { procs } = await call(mcp.client, 'proc_list', { owner: 'anthropic-gateway' });
    await mcp.close();
    const rec = procs.find((r: { pid: number }) => r.pid === pid);
    expect(rec).toMatchObject({ state: 'exited', exit: 'ok', owner: 'anthropic-gateway', model: 'tooler', task: { max_tokens: 16, metadata: { via: 'anthropic-gateway', user: 'alice-42', requested_model: 'tooler' } } });
    expect(tooler.requests.at(-1)!.messages).toEqual([{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hello claude' }]);
  });

  it('takes system messages among the messages (as Claude Code sends them) as system messages', async () => {
    const body = { model: 'tooler', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }, { role: 'system', content: [{ type: 'text', text: 'be terse' }] }, { role: 'user', content: 'again' }] };
    const r = await fetch(`${http.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': TOKEN, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(r.status).toBe(200);
    expect(tooler.requests.at(-1)!.messages[1]).toEqual({ role: 'system', content: 'be terse' });
  });

  it('streams Anthropic\'s exact event sequence with correct indices, a ping, and stop_reason and usage in message_delta', async () => {
    const events = await rawEvents(http.url, { model: 'echo', max_tokens: 16, stream: true, messages: [{ role: 'user', content: 'one two three' }] });
    const names = events.map(([e]) => e);
    expect(names.slice(0, 3)).toEqual(['message_start', 'ping', 'content_block_start']);
    expect(names.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(names.filter((n) => n === 'content_block_delta').length).toBeGreaterThanOrEqual(4); // token by token
    for (const [name, data] of events) expect(data.type).toBe(name);
    expect(events[0][1].message).toMatchObject({ role: 'assistant', model: 'echo', content: [], stop_reason: null });
    const deltas = events.filter(([e]) => e === 'content_block_delta').map(([, d]) => d as { index: number; delta: { type: string; text: string } });
    expect(deltas.every((d) => d.index === 0 && d.delta.type === 'text_delta')).toBe(true);
    expect(deltas.map((d) => d.delta.text).join('').trim()).toBe('echo: one two three');
    expect(events.at(-2)![1]).toMatchObject({ delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 4 } });
  });

  it('streams through the SDK\'s MessageStream to the same message as the non-streaming call', async () => {
    const final = await claude.messages.stream({ model: 'echo', max_tokens: 16, messages: [{ role: 'user', content: 'stream me' }] }).finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: expect.stringMatching(/^echo: stream me\s*$/) }]);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBe(3);
  });

  it('answers parallel tool calls whole, then takes both tool_results back in one user message', async () => {
    const first = await claude.messages.create({ model: 'claude-test-model', max_tokens: 64, tools: [weather, time], tool_choice: { type: 'any' }, messages: [{ role: 'user', content: 'Weather and time in Paris?' }] });
    expect(first.model).toBe('tooler'); // the Anthropic name mapped to an LLMOS model
    expect(first.stop_reason).toBe('tool_use');
    expect(first.content).toEqual([
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
      { type: 'tool_use', id: 'toolu_2', name: 'get_time', input: { city: 'Paris' } },
    ]);
    expect(tooler.requests.at(-1)).toMatchObject({ tool_choice: 'required', tools: [{ name: 'get_weather', input_schema: weather.input_schema }, { name: 'get_time' }] });
    const second = await claude.messages.create({
      model: 'tooler',
      max_tokens: 64,
      tools: [weather, time],
      messages: [
        { role: 'user', content: 'Weather and time in Paris?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' }, { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: '14:00' }], is_error: false }] },
      ],
    });
    expect(second.content).toEqual([{ type: 'text', text: 'results: toolu_1=sunny, toolu_2=14:00' }]);
    expect(second.stop_reason).toBe('end_turn');
    expect(tooler.requests.at(-1)!.messages[1]).toEqual({ role: 'assistant', content: first.content });
  });

  it('streams parallel tool calls as tool_use blocks with input_json_delta, indexed after the text block', async () => {
    const events = await rawEvents(http.url, { model: 'tooler', max_tokens: 64, stream: true, tools: [weather, time], messages: [{ role: 'user', content: 'Weather and time?' }] });
    const blocks = events.filter(([e]) => e.startsWith('content_block')).map(([e, d]) => `${e}:${d.index}`);
    expect(blocks.filter((b) => b.endsWith(':0')).at(0)).toBe('content_block_start:0');
    expect(blocks.slice(-7)).toEqual(['content_block_stop:0', 'content_block_start:1', 'content_block_delta:1', 'content_block_stop:1', 'content_block_start:2', 'content_block_delta:2', 'content_block_stop:2']);
    const start1 = events.find(([e, d]) => e === 'content_block_start' && d.index === 1)![1];
    expect(start1.content_block).toEqual({ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} });
    const delta2 = events.find(([e, d]) => e === 'content_block_delta' && d.index === 2)![1];
    expect(delta2.delta).toEqual({ type: 'input_json_delta', partial_json: '{"city":"Paris"}' });
    expect(events.at(-2)![1]).toMatchObject({ delta: { stop_reason: 'tool_use' } });
    const final = await claude.messages.stream({ model: 'tooler', max_tokens: 64, tools: [weather], messages: [{ role: 'user', content: 'Weather?' }] }).finalMessage();
    expect(final.content.at(-1)).toEqual({ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }); // the SDK parsed the streamed JSON
  });

  it('maps stop reasons: stop_sequence (with the sequence), max_tokens, end_turn', async () => {
    const stop = await claude.messages.create({ model: 'tooler', max_tokens: 16, stop_sequences: ['a'], messages: [{ role: 'user', content: 'stop: say banana' }] });
    expect(stop).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'a' });
    expect(tooler.requests.at(-1)!.stop).toEqual(['a']);
    const long = await claude.messages.create({ model: 'tooler', max_tokens: 2, messages: [{ role: 'user', content: 'long: talk' }] });
    expect(long).toMatchObject({ stop_reason: 'max_tokens', usage: { output_tokens: 2 } });
    const events = await rawEvents(http.url, { model: 'tooler', max_tokens: 16, stream: true, stop_sequences: ['a'], messages: [{ role: 'user', content: 'stop: x' }] });
    expect(events.at(-2)![1]).toMatchObject({ delta: { stop_reason: 'stop_sequence', stop_sequence: 'a' } });
  });

  it('counts tokens for a model, and estimates them for "auto"', async () => {
    const r = await claude.messages.countTokens({ model: 'echo', system: 'be brief', messages: [{ role: 'user', content: 'count these words please' }], tools: [weather] });
    expect(r.input_tokens).toBeGreaterThan(5);
    const auto = await claude.messages.countTokens({ model: 'auto', messages: [{ role: 'user', content: 'count these words please' }] });
    expect(auto.input_tokens).toBeGreaterThan(3);
    await expect(claude.messages.countTokens({ model: 'echo', messages: [] })).rejects.toMatchObject({ status: 400, error: { type: 'error', error: { type: 'invalid_request_error' } } });
  });

  it('refuses in Anthropic\'s error shape: bad key, bad body, unknown model, server tools, wrong method', async () => {
    const wrong = new Anthropic({ baseURL: http.url, apiKey: 'nope', maxRetries: 0 });
    await expect(wrong.messages.create({ model: 'echo', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 401, error: { type: 'error', error: { type: 'authentication_error', code: 'LLMOS_EPERM' } } });
    await expect(claude.messages.create({ model: 'echo', max_tokens: 0, messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 400, error: { error: { type: 'invalid_request_error', message: expect.stringContaining('max_tokens') } } });
    await expect(claude.messages.create({ model: 'claude-opus-9', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 404, error: { error: { type: 'not_found_error', code: 'LLMOS_ENOMODEL' } } });
    await expect(claude.messages.create({ model: 'tooler', max_tokens: 8, tools: [{ type: 'web_search_20250305', name: 'web_search' }], messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 400, error: { error: { message: expect.stringContaining('server tools') } } });
    const get = await fetch(`${http.url}/v1/messages`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(get.status).toBe(405);
    expect(await get.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    const openai = await fetch(`${http.url}/v1/chat/nothing`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(((await openai.json()) as { error: unknown }).error).toMatchObject({ code: 'LLMOS_ENOSYS' }); // /v1 elsewhere keeps OpenAI's shape
  });

  it('refuses a prompt over the context window with the invalid_request_error Claude Code shows, whole and streamed', async () => {
    const big = 'word '.repeat(400);
    const whole = claude.messages.create({ model: 'tiny', max_tokens: 8, messages: [{ role: 'user', content: big }] });
    await expect(whole).rejects.toMatchObject({ status: 400, error: { type: 'error', error: { type: 'invalid_request_error', code: 'LLMOS_ECONTEXT', message: expect.stringMatching(/^prompt is too long: \d+ tokens > 64 maximum/) } } });
    const tight = claude.messages.create({ model: 'tiny', max_tokens: 60, messages: [{ role: 'user', content: 'a few words here' }] });
    await expect(tight).rejects.toMatchObject({ status: 400, error: { error: { message: expect.stringMatching(/^input length and `max_tokens` exceed context limit: \d+ \+ 60 > 64/) } } });
    const raw = await fetch(`${http.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': TOKEN, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'tiny', max_tokens: 8, stream: true, messages: [{ role: 'user', content: big }] }) });
    expect(raw.status).toBe(400); // refused before the stream began: a status, not a broken stream
    const streamed = claude.messages.stream({ model: 'tiny', max_tokens: 8, messages: [{ role: 'user', content: big }] }).finalMessage();
    await expect(streamed).rejects.toMatchObject({ error: { type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('prompt is too long') } } });
  });
});
