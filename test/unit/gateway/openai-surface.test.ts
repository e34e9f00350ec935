import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountOpenAiRoutes } from '../../../plugins/gateway-openai/index.js';
import { serveHttp } from '../../../src/mcp/http.js';
import { kernelApi } from '../../../src/kernel/api.js';
import type { CompleteOptions, Completion, CompletionRequest, Embeddings } from '../../../src/plugin-api/index.js';
import { EchoBackend } from '../../fixtures/echo-backend.js';
import { testKernel } from '../../helpers/kernel.js';

const TOKEN = 'gateway-surface-token';

/** Embeds each text as [length, 1]; answers completions with logprobs when asked; records requests. */
class Capable extends EchoBackend {
  readonly requests: CompletionRequest[] = [];
  constructor() {
    super('capable', { capabilities: { context_window: 8192, max_output_tokens: 1024, streaming: true, tool_calling: true, logprobs: true, embeddings: true } }, 1);
  }
  override async complete(req: CompletionRequest, opts: CompleteOptions): Promise<Completion> {
    this.requests.push(req);
    const out = await super.complete(req, opts);
    return req.logprobs ? { ...out, logprobs: { content: [{ token: 'echo:', logprob: -0.5, bytes: null, top_logprobs: [] }] } } : out;
  }
  async embed(texts: string[]): Promise<Embeddings> {
    return { embeddings: texts.map((t) => [t.length, 1]), usage: { prompt_tokens: texts.length * 2 } };
  }
}

interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
}

describe('OpenAI gateway: errors, endpoints and request fields', () => {
  let booted: Awaited<ReturnType<typeof testKernel>>;
  let http: Awaited<ReturnType<typeof serveHttp>>;
  let openai: OpenAI;
  const capable = new Capable();
  const raw = (path: string, init: RequestInit = {}, token = TOKEN) =>
    fetch(`${http.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers as Record<string, string>) } });
  const expectOpenAiError = async (res: Response, status: number, code: string) => {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await res.json()) as ErrorBody;
    expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(body.error.code).toBe(code);
    expect(body.error.message).not.toMatch(/model_list|proc_|jsonrpc/);
    return body.error;
  };

  beforeAll(async () => {
    booted = await testKernel({ backends: [new EchoBackend('echo', {}, 1), capable] });
    await kernelApi(booted.kernel).setBudget('user:dave', { tokens: 5 });
    http = await serveHttp(booted.kernel, { host: '127.0.0.1', port: 0, token: TOKEN, users: { dave: 'dave-token-1' }, mount: (app) => mountOpenAiRoutes(app, kernelApi(booted.kernel)) });
    openai = new OpenAI({ baseURL: `${http.url}/v1`, apiKey: TOKEN, maxRetries: 0 });
  });
  afterAll(async () => {
    await http.close();
    await booted.stop();
  });

  it('answers 401 and 403 on /v1 in OpenAI shape, while /mcp keeps JSON-RPC', async () => {
    const e = await expectOpenAiError(await raw('/v1/models', {}, 'wrong-token'), 401, 'LLMOS_EPERM');
    expect(e.type).toBe('authentication_error');
    await expectOpenAiError(await raw('/v1/models', { headers: { origin: 'https://evil.example' } }), 403, 'LLMOS_EPERM');
    const mcp = await raw('/mcp', { method: 'POST', body: '{}' }, 'wrong-token');
    expect(((await mcp.json()) as { jsonrpc?: string }).jsonrpc).toBe('2.0');
  });

  it('answers an unknown /v1 path with an OpenAI 404 naming the endpoints (never HTML), and a wrong method with 405', async () => {
    const e = await expectOpenAiError(await raw('/v1/nothing-here', { method: 'POST', body: '{}' }), 404, 'LLMOS_ENOSYS');
    expect(e.message).toContain('/v1/chat/completions');
    const m = await raw('/v1/chat/completions');
    await expectOpenAiError(m, 405, 'LLMOS_EINVAL');
    expect(m.headers.get('allow')).toBe('POST');
    const r = await expectOpenAiError(await raw('/v1/responses', { method: 'POST', body: '{}' }), 501, 'LLMOS_ENOSYS');
    expect(r.message).toContain('/v1/chat/completions');
  });

  it('says what is wrong with a body that is not JSON or not an object', async () => {
    const bad = await expectOpenAiError(await raw('/v1/chat/completions', { method: 'POST', body: '{oops' }), 400, 'LLMOS_EINVAL');
    expect(bad.message).toMatch(/not valid JSON/);
    const empty = await expectOpenAiError(await raw('/v1/chat/completions', { method: 'POST', body: '' }), 400, 'LLMOS_EINVAL');
    expect(empty.message).toMatch(/must be a JSON object/);
  });

  it('answers an unknown model without pointing at MCP tools', async () => {
    const e = await expectOpenAiError(await raw('/v1/chat/completions', { method: 'POST', body: JSON.stringify({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }) }), 404, 'LLMOS_ENOMODEL');
    expect(e.message).toContain('GET /v1/models');
  });

  it('answers 429 over budget with Retry-After and x-ratelimit-* headers', async () => {
    const res = await raw('/v1/chat/completions', { method: 'POST', body: JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'a long enough prompt to pass five tokens' }] }) }, 'dave-token-1');
    await expectOpenAiError(res, 429, 'LLMOS_EBUDGET');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(res.headers.get('x-ratelimit-limit-tokens')).toBe('5');
    expect(res.headers.get('x-ratelimit-remaining-tokens')).toBe('5');
  });

  it('serves /v1/models/{id}, including ids with a slash, and 404 for an unknown one', async () => {
    expect(await openai.models.retrieve('capable')).toMatchObject({ id: 'capable', object: 'model', owned_by: 'test-echo' });
    expect((await openai.models.retrieve('auto')).id).toBe('auto');
    await expectOpenAiError(await raw('/v1/models/no%2Fsuch'), 404, 'LLMOS_ENOMODEL');
  });

  it('embeds as a process on a model with embeddings, charged to the caller', async () => {
    const r = await openai.embeddings.create({ model: 'auto', input: ['ab', 'abcd'], encoding_format: 'float' });
    expect(r.data.map((d) => d.embedding)).toEqual([[2, 1], [4, 1]]);
    expect(r.model).toBe('capable');
    expect(r.usage).toEqual({ prompt_tokens: 4, total_tokens: 4 });
    const p = [...booted.kernel.procs.scan()].find((q) => q.task.embed)!;
    expect(p).toMatchObject({ owner: 'openai-gateway', exit: 'ok', usage: { prompt_tokens: 4 } });
    const e = await expectOpenAiError(await raw('/v1/embeddings', { method: 'POST', body: JSON.stringify({ model: 'echo', input: 'x' }) }), 400, 'LLMOS_EINVAL');
    expect(e.message).toMatch(/does not support embeddings.*capable/);
  });

  it('answers legacy /v1/completions as text_completion, streamed and not', async () => {
    const r = await openai.completions.create({ model: 'echo', prompt: 'old style', max_tokens: 8 });
    expect(r.object).toBe('text_completion');
    expect(r.choices[0].text).toBe('echo: old style');
    const stream = await openai.completions.create({ model: 'echo', prompt: 'a b', stream: true });
    let text = '';
    for await (const c of stream) text += c.choices[0]?.text ?? '';
    expect(text.trim()).toBe('echo: a b');
  });

  it('runs n > 1 as sibling processes, one choice each', async () => {
    const r = await openai.chat.completions.create({ model: 'echo', n: 3, messages: [{ role: 'user', content: 'many' }] });
    expect(r.choices.map((c) => [c.index, c.message.content])).toEqual([[0, 'echo: many'], [1, 'echo: many'], [2, 'echo: many']]);
    const pid = Number(r.id.replace('chatcmpl-llmos-', ''));
    expect([pid, pid + 1, pid + 2].map((q) => booted.kernel.procs.must(q).exit)).toEqual(['ok', 'ok', 'ok']);
    const stream = await openai.chat.completions.create({ model: 'echo', n: 2, messages: [{ role: 'user', content: 'x y' }], stream: true });
    const texts = ['', ''];
    for await (const c of stream) for (const ch of c.choices) texts[ch.index] += ch.delta.content ?? '';
    expect(texts.map((t) => t.trim())).toEqual(['echo: x y', 'echo: x y']);
  });

  it('passes stop, penalties, seed and logprobs; refuses logprobs on a model without them, naming the ones with', async () => {
    const r = await openai.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }], stop: 'END', presence_penalty: 0.5, frequency_penalty: -0.5, seed: 7, logprobs: true, top_logprobs: 2, user: 'u-42' });
    expect(r.model).toBe('capable');
    expect(r.choices[0].logprobs?.content?.[0].token).toBe('echo:');
    expect(capable.requests.at(-1)).toMatchObject({ stop: ['END'], presence_penalty: 0.5, frequency_penalty: -0.5, seed: 7, logprobs: true, top_logprobs: 2 });
    const pid = Number(r.id.replace('chatcmpl-llmos-', ''));
    expect(booted.kernel.procs.must(pid).task.metadata.user).toBe('u-42');
    const e = await expectOpenAiError(await raw('/v1/chat/completions', { method: 'POST', body: JSON.stringify({ model: 'echo', logprobs: true, messages: [{ role: 'user', content: 'x' }] }) }), 400, 'LLMOS_EINVAL');
    expect(e.message).toMatch(/does not support logprobs.*capable/);
    expect(e.param).toBe('logprobs');
  });

  it('takes legacy functions and function_call, and answers with function_call', async () => {
    const fn = { name: 'lookup', parameters: { type: 'object', properties: {} } };
    const res = await raw('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({
        model: 'capable',
        functions: [fn],
        function_call: { name: 'lookup' },
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: null, function_call: { name: 'lookup', arguments: '{}' } },
          { role: 'function', name: 'lookup', content: 'found' },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const req = capable.requests.at(-1)!;
    expect(req.tools?.[0].name).toBe('lookup');
    expect(req.tool_choice).toEqual({ type: 'tool', name: 'lookup' });
    expect(req.messages[2]).toEqual({ role: 'tool', content: [{ type: 'tool_result', tool_use_id: 'call_lookup_1', content: 'found' }] });
  });

  it('names the model that runs in the first stream chunk, not "auto"', async () => {
    const stream = await openai.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'who' }], stream: true });
    const models: string[] = [];
    for await (const c of stream) models.push(c.model);
    expect(models[0]).toBe('echo');
    expect(new Set(models)).toEqual(new Set(['echo']));
  });
});
