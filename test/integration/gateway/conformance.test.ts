import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, inject, vi } from 'vitest';
import { kernelApi } from '../../../src/kernel/api.js';
import { serveHttp } from '../../../src/mcp/http.js';
import { bootPlugins, type Booted } from '../../unit/models/harness.js';
import { assemble, expectOpenAiError, parseSse, type Chunk } from './conformance-helpers.js';

/**
 * OpenAI conformance of /v1, with the official `openai` client and with raw
 * HTTP, against two real backends: llama.cpp's own server (xllamacpp, jinja
 * templates on) behind model-openai, and SmolLM2 in-process (model-llamacpp,
 * grammar-constrained tool calls and JSON). The gateway is the real plugin
 * on the real HTTP transport.
 */
// Each test makes several real model calls on a shared 2-core machine: minutes, not the default 60 s.
vi.setConfig({ testTimeout: 600_000 });

const TOKEN = 'conformance-token';
const SERVER = 'llama-server/smollm2';
const LOCAL = 'smollm2-135m';
const WEATHER = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'Current weather of a city.', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};
const TIME = { type: 'function' as const, function: { name: 'get_time', description: 'Local time of a city.', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };
const ASK = [{ role: 'user' as const, content: 'What is the weather in Paris? Call the tool.' }];

/** A function tool call (the client's type also allows custom tools, which this gateway never returns). */
const fnCall = (c: unknown) => c as { id: string; type: string; function: { name: string; arguments: string } };

let os: Booted;
let http: Awaited<ReturnType<typeof serveHttp>>;
let openai: OpenAI;
const raw = (path: string, body?: unknown, headers: Record<string, string> = {}, token = TOKEN) =>
  fetch(`${http.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
const chat = (body: Record<string, unknown>, token = TOKEN) => raw('/v1/chat/completions', { max_tokens: 32, temperature: 0, ...body }, {}, token);
async function streamOf(body: Record<string, unknown>): Promise<Chunk[]> {
  const res = await chat({ ...body, stream: true });
  expect(res.status, await res.clone().text()).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  return parseSse(await res.text());
}

beforeAll(async () => {
  const baseURL = inject('llamaBaseURL');
  const upstream = (await new OpenAI({ baseURL, apiKey: 'none' }).models.list()).data[0].id;
  os = await bootPlugins(
    {
      'gateway-openai': {},
      'model-openai': {
        base_url: baseURL,
        api_key_env: 'LLMOS_TEST_NO_KEY',
        models: [
          { id: SERVER, model: upstream, context_window: 4096, max_output_tokens: 512, concurrency: 2, tool_calling: true, logprobs: true },
          // Says it reads more than the server's 4096-token context: the server's own refusal is the upstream error.
          { id: 'llama-server/overlong', model: upstream, context_window: 65_536, max_output_tokens: 16, concurrency: 1 },
        ],
      },
      'model-llamacpp': { model_path: inject('modelPath'), threads: 2, concurrency: 1 },
    },
    { callTimeoutMs: 120_000, retries: 0 },
  );
  kernelApi(os.kernel).setBudget('user:dave', { tokens: 5 });
  http = await serveHttp(os.kernel, { host: '127.0.0.1', port: 0, token: TOKEN, users: { dave: 'dave-token-1', erin: 'erin-token-1' } });
  openai = new OpenAI({ baseURL: `${http.url}/v1`, apiKey: TOKEN, maxRetries: 0, timeout: 600_000 });
});
afterAll(async () => {
  await http?.close();
  await os?.stop();
});

describe.each([SERVER, LOCAL])('/v1 conformance on %s', (model) => {
  it('frames a stream as data: lines ending in [DONE]; the first chunk names the model; usage comes last', async () => {
    const chunks = await streamOf({ model, messages: [{ role: 'user', content: 'Say hello.' }], stream_options: { include_usage: true } });
    expect(chunks[0].model).toBe(model);
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    const ids = new Set(chunks.map((c) => c.id));
    expect(ids.size).toBe(1);
    for (const c of chunks) expect(c.object).toBe('chat.completion.chunk');
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage!.completion_tokens).toBeGreaterThan(0);
    expect(last.usage!.total_tokens).toBe(last.usage!.prompt_tokens + last.usage!.completion_tokens);
    for (const c of chunks.slice(0, -1)) expect(c.usage ?? null).toBeNull();
    const { text, finish } = assemble(chunks);
    expect(text.trim().length).toBeGreaterThan(0);
    expect(['stop', 'length']).toContain(finish);
  });

  it('streams with the openai client; model "auto" names the model that runs', async () => {
    const stream = await openai.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Say hi.' }], max_tokens: 8, stream: true });
    let text = '';
    let first: string | undefined;
    for await (const c of stream) {
      first ??= c.model;
      text += c.choices[0]?.delta.content ?? '';
    }
    expect(first).not.toBe('auto');
    expect([SERVER, LOCAL]).toContain(first);
    expect(text.length).toBeGreaterThan(0);
  });

  // Real tool calls from llama.cpp's server need a chat template with a tool-call format;
  // xllamacpp 2026.10 answers SmolLM2 in plain text even with tool_choice "required" and a
  // ChatML template that has <tool_call> tags (tried by hand), so these two run on the
  // in-process backend only, whose grammar forces the call. Forwarding of the fields to an
  // OpenAI-compatible upstream is covered by test/unit/gateway/tools.test.ts.
  const toolCalling = it.runIf(model === LOCAL);

  toolCalling('tool_choice "required" yields a real tool call, whole and streamed as indexed deltas whose arguments concatenate to JSON', async () => {
    const whole = await openai.chat.completions.create({ model, messages: ASK, tools: [WEATHER], tool_choice: 'required', max_tokens: 64, temperature: 0 });
    const call = fnCall(whole.choices[0].message.tool_calls![0]);
    expect(whole.choices[0].finish_reason).toBe('tool_calls');
    expect(call.type).toBe('function');
    expect(call.function.name).toBe('get_weather');
    expect(typeof JSON.parse(call.function.arguments).city).toBe('string');
    expect(call.id.length).toBeGreaterThan(0);

    const chunks = await streamOf({ model, messages: ASK, tools: [WEATHER], tool_choice: 'required', max_tokens: 64 });
    const { calls, finish } = assemble(chunks);
    expect(finish).toBe('tool_calls');
    expect(calls.length).toBeGreaterThan(0);
    calls.forEach((c, i) => {
      expect(c, `tool call index ${i} present`).toBeDefined();
      expect(c.id).toBeTruthy();
      expect(c.name).toBe('get_weather');
      expect(typeof JSON.parse(c.arguments).city).toBe('string');
    });
  });

  toolCalling('a named tool_choice calls that tool; the legacy functions form answers with function_call', async () => {
    const named = await openai.chat.completions.create({ model, messages: ASK, tools: [WEATHER, TIME], tool_choice: { type: 'function', function: { name: 'get_time' } }, max_tokens: 64, temperature: 0 });
    expect(named.choices[0].message.tool_calls!.map((c) => fnCall(c).function.name)).toEqual(['get_time']);
    const legacy = await openai.chat.completions.create({ model, messages: ASK, functions: [WEATHER.function], function_call: { name: 'get_weather' }, max_tokens: 64, temperature: 0 });
    expect(legacy.choices[0].finish_reason).toBe('function_call');
    expect(legacy.choices[0].message.function_call!.name).toBe('get_weather');
    expect(typeof JSON.parse(legacy.choices[0].message.function_call!.arguments).city).toBe('string');
  });

  it('continues a tool loop: parallel tool calls and their role "tool" results in the history', async () => {
    const history = [
      ...ASK,
      {
        role: 'assistant' as const,
        content: null,
        tool_calls: [
          { id: 'call_a', type: 'function' as const, function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_b', type: 'function' as const, function: { name: 'get_time', arguments: '{"city":"Paris"}' } },
        ],
      },
      { role: 'tool' as const, tool_call_id: 'call_a', content: 'Sunny, 24 degrees Celsius.' },
      { role: 'tool' as const, tool_call_id: 'call_b', content: '14:05' },
    ];
    const r = await openai.chat.completions.create({ model, messages: history, tools: [WEATHER, TIME], tool_choice: 'none', max_tokens: 32, temperature: 0 });
    expect(r.choices[0].finish_reason).not.toBe('tool_calls');
    expect(r.choices[0].message.content!.trim().length).toBeGreaterThan(0);
  });

  it('response_format json_object and json_schema give JSON that parses and validates', async () => {
    const obj = await openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'Describe a cat as a JSON object with a name and a colour.' }], response_format: { type: 'json_object' }, max_tokens: 256, temperature: 0 });
    const parsed = JSON.parse(obj.choices[0].message.content!) as unknown;
    expect(parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)).toBe(true);
    const schema = { type: 'object', properties: { name: { type: 'string' }, legs: { type: 'integer' } }, required: ['name', 'legs'], additionalProperties: false };
    const s = await openai.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Give an animal and its number of legs.' }],
      response_format: { type: 'json_schema', json_schema: { name: 'animal', schema, strict: true } },
      max_tokens: 64,
      temperature: 0,
    });
    const animal = JSON.parse(s.choices[0].message.content!) as { name: unknown; legs: unknown };
    expect(Object.keys(animal).sort()).toEqual(['legs', 'name']);
    expect(typeof animal.name).toBe('string');
    expect(Number.isInteger(animal.legs)).toBe(true);
  });

  it('n > 1 answers one choice per sibling, whole and streamed', async () => {
    const r = await openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'Name a fruit.' }], n: 2, max_tokens: 8, temperature: 0.8 });
    expect(r.choices.map((c) => c.index)).toEqual([0, 1]);
    for (const c of r.choices) expect(c.message.content!.length).toBeGreaterThan(0);
    const chunks = await streamOf({ model, messages: [{ role: 'user', content: 'Name a fruit.' }], n: 2, max_tokens: 8 });
    expect(new Set(chunks.flatMap((c) => c.choices.map((x) => x.index)))).toEqual(new Set([0, 1]));
    for (const i of [0, 1]) expect(assemble(chunks, i).finish).toMatch(/stop|length/);
  });

  it('stop ends the answer before the stop text; the same seed gives the same answer', async () => {
    const messages = [{ role: 'user' as const, content: 'Count from 1 to 20, separated by commas.' }];
    const free = await openai.chat.completions.create({ model, messages, max_tokens: 40, temperature: 0 });
    const stopped = await openai.chat.completions.create({ model, messages, max_tokens: 40, temperature: 0, stop: ['5'] });
    const text = stopped.choices[0].message.content!;
    expect(text).not.toContain('5');
    expect(free.choices[0].message.content!).toContain('5');
    expect(free.choices[0].message.content!.startsWith(text)).toBe(true);
    expect(stopped.choices[0].finish_reason).toBe('stop');
    const seeded = () => openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'Invent a name for a dog.' }], max_tokens: 16, temperature: 1, seed: 1234 });
    const [a, b] = [await seeded(), await seeded()];
    expect(a.choices[0].message.content).toBe(b.choices[0].message.content);
  });

  it('records `user` on the process it ran, and the authenticated caller as its owner', async () => {
    const res = await chat({ model, messages: [{ role: 'user', content: 'Say ok.' }], max_tokens: 4, user: 'end-user-42' }, 'erin-token-1');
    expect(res.status).toBe(200);
    const pid = Number(res.headers.get('x-llmos-pid'));
    const p = os.kernel.procs.get(pid)!;
    expect(p.owner).toBe('user:erin');
    expect(p.task.metadata?.user).toBe('end-user-42');
  });
});

describe('/v1 conformance: features one backend lacks', () => {
  it('llama-server returns logprobs with top_logprobs, whole and streamed', async () => {
    const r = await openai.chat.completions.create({ model: SERVER, messages: [{ role: 'user', content: 'Say yes.' }], logprobs: true, top_logprobs: 2, max_tokens: 4, temperature: 0 });
    const lp = r.choices[0].logprobs!.content!;
    expect(lp.length).toBeGreaterThan(0);
    for (const t of lp) {
      expect(t.logprob).toBeLessThanOrEqual(0);
      expect(t.top_logprobs.length).toBeLessThanOrEqual(2);
    }
    expect(lp.map((t) => t.token).join('')).toBe(r.choices[0].message.content);
    const chunks = await streamOf({ model: SERVER, messages: [{ role: 'user', content: 'Say yes.' }], logprobs: true, top_logprobs: 2, max_tokens: 4 });
    const streamed = chunks.flatMap((c) => c.choices.flatMap((x) => x.logprobs?.content ?? []));
    expect(streamed.length).toBeGreaterThan(0);
    expect(streamed.map((t) => t.token).join('')).toBe(assemble(chunks).text);
  });

  it('refuses logprobs on the in-process model with a 400 naming the feature and the models that can', async () => {
    const e = await expectOpenAiError(await chat({ model: LOCAL, messages: [{ role: 'user', content: 'hi' }], logprobs: true }), 400);
    expect(e.message).toMatch(/logprobs/);
    expect(e.message).toContain(SERVER);
    // "auto" considers only models whose capabilities cover the request
    const r = await openai.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Say yes.' }], logprobs: true, max_tokens: 4 });
    expect(r.model).toBe(SERVER);
  });
});

describe('/v1 conformance: every error in OpenAI shape', () => {
  it('400 for a body that is not JSON, 401 without a valid token, 403 for a foreign origin', async () => {
    const bad = await expectOpenAiError(await raw('/v1/chat/completions', '{oops'), 400, 'LLMOS_EINVAL');
    expect(bad.message).not.toMatch(/undefined/);
    const auth = await expectOpenAiError(await raw('/v1/models', undefined, {}, 'wrong'), 401);
    expect(auth.type).toBe('authentication_error');
    await expectOpenAiError(await raw('/v1/models', undefined, { origin: 'https://evil.example' }), 403);
  });

  it('404 for an unknown model or path, 405 for a wrong method, 413 for an oversized body', async () => {
    const nm = await expectOpenAiError(await chat({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] }), 404, 'LLMOS_ENOMODEL');
    expect(nm.message).toContain('/v1/models');
    expect(nm.message).not.toContain('model_list');
    await expectOpenAiError(await raw('/v1/models/no-such-model'), 404, 'LLMOS_ENOMODEL');
    await expectOpenAiError(await raw('/v1/nothing', {}), 404);
    const m = await raw('/v1/chat/completions');
    await expectOpenAiError(m, 405);
    await expectOpenAiError(await raw('/v1/chat/completions', { model: SERVER, messages: [{ role: 'user', content: 'x'.repeat(6 * 1024 * 1024) }] }), 413);
  });

  it('429 over budget with Retry-After and x-ratelimit-* headers, and the openai client raises RateLimitError', async () => {
    const res = await chat({ model: SERVER, messages: [{ role: 'user', content: 'Write a long poem about the sea.' }], max_tokens: 64 }, 'dave-token-1');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(res.headers.get('x-ratelimit-limit-tokens')).toBe('5');
    expect(res.headers.get('x-ratelimit-remaining-tokens')).toMatch(/^\d+$/);
    await expectOpenAiError(res, 429, 'LLMOS_EBUDGET');
    const dave = new OpenAI({ baseURL: `${http.url}/v1`, apiKey: 'dave-token-1', maxRetries: 0 });
    await expect(dave.chat.completions.create({ model: SERVER, messages: [{ role: 'user', content: 'Write a long poem.' }], max_tokens: 64 })).rejects.toBeInstanceOf(OpenAI.RateLimitError);
  });

  it('an upstream failure is a 5xx in OpenAI shape, whole and as an error event in a stream', async () => {
    const long = 'word '.repeat(6000);
    const res = await chat({ model: 'llama-server/overlong', messages: [{ role: 'user', content: long }], max_tokens: 4 });
    const e = await expectOpenAiError(res, res.status);
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(e.type).toBe('server_error');
  });
});
