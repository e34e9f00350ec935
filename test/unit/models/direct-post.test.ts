import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { postJson, postSse } from '../../../plugins/model-openai/direct.js';
import { makeClient, OpenAIOptions } from '../../../plugins/model-openai/connection.js';
import { upstreamError } from '../../../plugins/model-openai/errors.js';
import { createLogger } from '../../../src/kernel/log.js';

/** A loopback server answering every request with `handler`, recording what it was sent. */
async function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void) {
  const sockets = new Set<Socket>();
  const seen: Array<{ url: string; headers: http.IncomingHttpHeaders; body: string }> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => (seen.push({ url: req.url ?? '', headers: req.headers, body }), handler(req, res, body)));
  });
  server.on('connection', (s) => (sockets.add(s), s.once('close', () => sockets.delete(s))));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    seen,
    close: () => new Promise<void>((r) => (sockets.forEach((s) => s.destroy()), server.close(() => r()))),
  };
}

const never = () => new AbortController().signal;

/**
 * model-openai's direct unstreamed call (direct.ts postJson, on the
 * connection's undici pool) against a real loopback server: what it sends,
 * and that every outcome is the one the openai client itself gives for the
 * same answer, so upstreamError maps it the same.
 */
describe('model-openai postJson', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });
  const setUp = async (handler: Parameters<typeof serve>[0], timeoutMs = 5_000) => {
    const s = await serve(handler);
    const o = OpenAIOptions.parse({ base_url: s.baseURL, api_key_env: 'LLMOS_TEST_KEY', headers: { 'HTTP-Referer': 'https://example.test' }, request_timeout_ms: timeoutMs, probe_on_start: false });
    const conn = makeClient(o, createLogger('silent'), 0, { LLMOS_TEST_KEY: 'k-1' });
    const fetched = new OpenAI({ baseURL: s.baseURL, apiKey: 'k-1', maxRetries: 0, timeout: timeoutMs }); // Node's own fetch
    cleanup.push(s.close, () => conn.close());
    const post = (path: string, body: unknown, signal: AbortSignal) => postJson(conn.direct!, path, body, signal);
    const viaClient = (body: object, signal = never()) => fetched.post('/chat/completions', { body, signal });
    return { s, post, viaClient };
  };

  it('posts JSON with the key and the configured headers and resolves with the parsed answer', async () => {
    const { s, post } = await setUp((_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"choices":[{"finish_reason":"stop"}]}'));
    expect(await post('/chat/completions', { model: 'm', stream: false }, never())).toEqual({ choices: [{ finish_reason: 'stop' }] });
    expect(s.seen[0]).toMatchObject({ url: '/v1/chat/completions', body: '{"model":"m","stream":false}' });
    expect(s.seen[0].headers).toMatchObject({ authorization: 'Bearer k-1', 'content-type': 'application/json', 'http-referer': 'https://example.test' });
  });

  it('rejects a 429 as the openai client does: same class, status, message and Retry-After', async () => {
    const { post, viaClient } = await setUp((_, res) => res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '2' }).end('{"error":{"message":"slow down","type":"rate_limit"}}'));
    const [ours, theirs] = await Promise.all([post('/chat/completions', {}, never()).catch((e: unknown) => e), viaClient({}).catch((e: unknown) => e)]);
    expect(ours).toBeInstanceOf(APIError);
    expect((ours as Error).constructor).toBe((theirs as Error).constructor);
    expect((ours as APIError).status).toBe(429);
    expect((ours as Error).message).toBe((theirs as Error).message);
    expect(upstreamError('m', ours)).toMatchObject({ code: 'LLMOS_EUPSTREAM', data: { retryable: true, status: 429, retry_after_ms: 2000 } });
    expect(upstreamError('m', ours).message).toBe(upstreamError('m', theirs).message);
  });

  it('maps a 400 with a text body, malformed JSON and a refused connection as the client does', async () => {
    let mode = '400';
    const { s, post, viaClient } = await setUp((_, res) => (mode === '400' ? res.writeHead(400, { 'content-type': 'text/plain' }).end('bad request text') : res.writeHead(200, { 'content-type': 'application/json' }).end('{"choices": [')));
    const both = () => Promise.all([post('/chat/completions', {}, never()).catch((e: unknown) => upstreamError('m', e)), viaClient({}).catch((e: unknown) => upstreamError('m', e))]);
    const [bad, badClient] = await both();
    expect(bad).toMatchObject({ code: 'LLMOS_EUPSTREAM', data: { retryable: false, status: 400 } });
    expect((bad as Error).message).toBe((badClient as Error).message);
    mode = 'malformed';
    const [malformed, malformedClient] = await both();
    expect(malformed).toMatchObject({ data: { retryable: true, detail: 'malformed_json' } });
    expect(malformedClient).toMatchObject({ data: { detail: 'malformed_json' } });
    await s.close();
    const fresh = makeClient(OpenAIOptions.parse({ base_url: s.baseURL, probe_on_start: false }), createLogger('silent'), 0, {}); // no socket the server just closed
    cleanup.push(() => fresh.close());
    const refused = await postJson(fresh.direct!, '/chat/completions', {}, never()).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(APIConnectionError);
    expect(upstreamError('m', refused)).toMatchObject({ data: { retryable: true, detail: 'ECONNREFUSED' } });
  });

  it('rejects with the abort reason, and with APIConnectionTimeoutError past its timeout, closing the request', async () => {
    const left: Array<Promise<boolean>> = []; // resolves when the client went before an answer
    const { post } = await setUp((_, res) => void left.push(new Promise((r) => res.once('close', () => r(!res.writableFinished)))), 300);
    const kill = new AbortController();
    const killed = post('/chat/completions', {}, kill.signal).catch((e: unknown) => e);
    setTimeout(() => kill.abort(new Error('killed by test')), 50);
    expect(await killed).toMatchObject({ message: 'killed by test' });
    const late = await post('/chat/completions', {}, never()).catch((e: unknown) => e);
    expect(late).toBeInstanceOf(APIConnectionTimeoutError);
    expect(await Promise.all(left)).toEqual([true, true]);
  });

  it('rejects with APIConnectionTimeoutError when the body stalls past its timeout after the headers', async () => {
    const { post } = await setUp((_, res) => void res.writeHead(200, { 'content-type': 'application/json' }).write('{"choices":'), 300);
    const t0 = Date.now();
    expect(await post('/chat/completions', {}, never()).catch((e: unknown) => e)).toBeInstanceOf(APIConnectionTimeoutError);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
  });
});

/** Writes `pieces` one at a time, 2 ms apart, so that the client reads them as separate chunks. */
async function writeSlowly(res: http.ServerResponse, pieces: Array<string | Buffer>): Promise<void> {
  res.socket?.setNoDelay(true);
  for (const p of pieces) {
    if (res.destroyed) return;
    res.write(p);
    await new Promise((r) => setTimeout(r, 2));
  }
  res.end();
}

const SSE = { 'content-type': 'text/event-stream' };
/** Bytes cut every `n`: splits lines, CRLFs and a multi-byte character across reads. */
const cut = (text: string, n: number): Buffer[] => {
  const b = Buffer.from(text);
  return Array.from({ length: Math.ceil(b.length / n) }, (_, i) => b.subarray(i * n, i * n + n));
};

/**
 * model-openai's direct streamed call (direct.ts postSse) against a real
 * loopback server: it hands on exactly the chunks the openai client's own
 * stream yields for the same bytes, and fails as that stream does.
 */
describe('model-openai postSse', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });
  const setUp = async (handler: Parameters<typeof serve>[0], timeoutMs = 5_000) => {
    const s = await serve(handler);
    const o = OpenAIOptions.parse({ base_url: s.baseURL, request_timeout_ms: timeoutMs, probe_on_start: false });
    const conn = makeClient(o, createLogger('silent'), 0, {});
    const fetched = new OpenAI({ baseURL: s.baseURL, apiKey: 'k', maxRetries: 0, timeout: timeoutMs });
    cleanup.push(s.close, () => conn.close());
    /** What postSse hands on; past `upTo` messages the handler throws, as a caller that has had enough. */
    const ours = async (signal = never(), upTo = Infinity) => {
      const got: unknown[] = [];
      const enough = new Error('enough');
      await postSse(conn.direct!, '/chat/completions', { model: 'm', stream: true }, signal, (c) => {
        if (got.push(c) >= upTo) throw enough;
      }).catch((e: unknown) => {
        if (e !== enough) throw e;
      });
      return got;
    };
    const theirs = async () => {
      const got: unknown[] = [];
      for await (const c of await fetched.chat.completions.create({ model: 'm', messages: [], stream: true })) got.push(c);
      return got;
    };
    return { s, ours, theirs };
  };
  const chunk = (content: string, finish: string | null = null) => ({ id: 'c1', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: finish }] });

  it('hands on what the openai client yields, from a stream cut anywhere: CRLF, comments, multi-line data, UTF-8 split, nothing after [DONE]', async () => {
    const body =
      ': keep-alive\r\n\r\n' +
      `data: ${JSON.stringify(chunk('héllo 🌍'))}\r\n\r\n` +
      `data: {"id":"c1","object":"chat.completion.chunk","created":0,"model":"m",\ndata: "choices":[{"index":0,"delta":{"content":" wörld"},"finish_reason":"stop"}]}\n\n` +
      'data: {"id":"c1","object":"chat.completion.chunk","created":0,"model":"m","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}\n\n' +
      'data: [DONE]\n\n' +
      'data: {"not":"read"}\n\n';
    for (const n of [1, 3, 7, 1000]) {
      const { ours, theirs } = await setUp((_, res) => void writeSlowly(res.writeHead(200, SSE), cut(body, n)));
      const [a, b] = await Promise.all([ours(), theirs()]);
      expect(a).toEqual(b);
      expect(a).toHaveLength(3);
      expect(a[0]).toEqual(chunk('héllo 🌍'));
    }
  });

  it('hands on the last message of a body that ends without its blank line, and stops at the end of a body with no [DONE]', async () => {
    const { ours } = await setUp((_, res) => res.writeHead(200, SSE).end(`data: ${JSON.stringify(chunk('a'))}\n\ndata: ${JSON.stringify(chunk('b', 'stop'))}`));
    expect(await ours()).toEqual([chunk('a'), chunk('b', 'stop')]);
  });

  it('fails as the client\'s stream does on an error message, an error event, malformed JSON and a 503', async () => {
    const answers: Record<string, (res: http.ServerResponse) => void> = {
      message: (res) => res.writeHead(200, SSE).end(`data: ${JSON.stringify(chunk('a'))}\n\ndata: {"error":{"message":"overloaded","type":"server_error"}}\n\n`),
      malformed: (res) => res.writeHead(200, SSE).end('data: {"choices": [\n\n'),
      status: (res) => res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"message":"down for maintenance"}}'),
    };
    for (const [name, answer] of Object.entries(answers)) {
      const { ours, theirs } = await setUp((_, res) => answer(res));
      const [a, b] = await Promise.all([ours().catch((e: unknown) => e), theirs().catch((e: unknown) => e)]);
      expect((a as Error).constructor, name).toBe((b as Error).constructor);
      expect(upstreamError('m', a), name).toEqual(upstreamError('m', b));
      expect(upstreamError('m', a).data, name).toMatchObject({ retryable: true });
    }
    const { ours } = await setUp((_, res) => res.writeHead(200, SSE).end('event: error\ndata: {"error":{"message":"quota"},"message":"quota exceeded"}\n\n'));
    const e = await ours().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(APIError);
    expect(upstreamError('m', e).message).toMatch(/inside the stream \(quota\)/); // the client's APIError prefers error.message
  });

  it('ends the request when the caller aborts, or its handler throws, mid-stream; rejects a stalled stream past its timeout', async () => {
    const left: Array<Promise<boolean>> = [];
    const { ours } = await setUp((_, res) => {
      left.push(new Promise((r) => res.once('close', () => r(!res.writableFinished))));
      res.writeHead(200, SSE).write(`data: ${JSON.stringify(chunk('first'))}\n\n`); // then nothing more
    }, 400);
    const kill = new AbortController();
    setTimeout(() => kill.abort(new Error('killed by test')), 50);
    expect(await ours(kill.signal).catch((e: unknown) => e)).toMatchObject({ message: 'killed by test' });
    expect(await ours(never(), 1)).toEqual([chunk('first')]);
    const t0 = Date.now();
    expect(await ours().catch((e: unknown) => e)).toBeInstanceOf(APIConnectionTimeoutError);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(350);
    expect(await Promise.all(left)).toEqual([true, true, true]);
  });
});
