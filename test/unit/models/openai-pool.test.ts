import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { APIConnectionError, APIError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { OpenAIBackend } from '../../../plugins/model-openai/backend.js';
import { postJson } from '../../../plugins/model-openai/direct.js';
import { upstreamError } from '../../../plugins/model-openai/errors.js';
import { makeClient, OpenAIOptions, type OpenAIConnection } from '../../../plugins/model-openai/connection.js';
import { createLogger } from '../../../src/kernel/log.js';
import { startFaultServer, type FaultServer } from '../../fault-server.js';

/** A loopback server running `handler`, counting the TCP connections it accepted. */
async function serve(handler: http.RequestListener) {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = http.createServer(handler);
  server.on('connection', (s) => (connections++, sockets.add(s), s.once('close', () => sockets.delete(s))));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    connections: () => connections,
    close: () => new Promise<void>((r) => (sockets.forEach((s) => s.destroy()), server.close(() => r()))),
  };
}

/** Resolves when `res` closes, telling whether the client left before the answer ended. */
const clientLeft = (res: http.ServerResponse) => new Promise<boolean>((r) => res.once('close', () => r(!res.writableFinished)));

const chat = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }] };

/** One model's connection (makeClient, http_client "pool"): the openai client and the direct call on one undici pool. */
describe('model-openai connection pool', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });
  const connect = (url: string): OpenAIConnection => {
    const conn = makeClient(OpenAIOptions.parse({ base_url: `${url}/v1`, api_key_env: 'LLMOS_TEST_NO_KEY', probe_on_start: false }), createLogger('silent'));
    cleanup.push(() => conn.close());
    return conn;
  };
  const start = async (handler: http.RequestListener) => {
    const s = await serve(handler);
    cleanup.push(s.close);
    return s;
  };

  it('the client and the direct call reuse keep-alive sockets', async () => {
    const s = await start(async (req, res) => {
      for await (const _ of req);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"choices":[{"finish_reason":"stop","message":{"content":"ok"}}]}');
    });
    const conn = connect(s.url);
    for (let i = 0; i < 3; i++) {
      expect(await postJson(conn.direct!, '/chat/completions', chat, new AbortController().signal)).toMatchObject({ choices: [{ finish_reason: 'stop' }] });
      expect((await conn.client.chat.completions.create(chat)).choices[0].message.content).toBe('ok');
    }
    // undici may open a second socket when a call goes out in the same tick the last one's socket is released.
    expect(s.connections()).toBeLessThanOrEqual(2);
  });

  it('a stream through the client is read as it arrives, and an abort mid-stream lets the server see the client go', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let left!: Promise<boolean>;
    let secondWritten = false;
    const s = await start(async (_req, res) => {
      left = clientLeft(res);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'one' } }] })}\n\n`);
      await gate;
      secondWritten = true;
      res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'two' } }] })}\n\n`);
    });
    const ac = new AbortController();
    const stream = await connect(s.url).client.chat.completions.create({ ...chat, stream: true }, { signal: ac.signal });
    const it = stream[Symbol.asyncIterator]();
    expect((await it.next()).value.choices[0].delta.content).toBe('one');
    expect(secondWritten).toBe(false);
    release();
    expect((await it.next()).value.choices[0].delta.content).toBe('two');
    ac.abort();
    await it.next().catch(() => undefined);
    expect(await left).toBe(true);
  });

  it('under the openai client: a 429 keeps its Retry-After, a refused connection names ECONNREFUSED', async () => {
    const s = await start((_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '2' });
      res.end(JSON.stringify({ error: { message: 'slow down', type: 'rate_limit_error' } }));
    });
    const limited = await connect(s.url).client.chat.completions.create(chat).catch((x: unknown) => x);
    expect(limited).toBeInstanceOf(APIError);
    expect(upstreamError('m', limited).data).toMatchObject({ retryable: true, status: 429, retry_after_ms: 2000 });

    await s.close();
    const refused = await connect(s.url).client.chat.completions.create(chat).catch((x: unknown) => x);
    expect(refused).toBeInstanceOf(APIConnectionError);
    expect(upstreamError('m', refused).data).toMatchObject({ retryable: true, detail: 'ECONNREFUSED' });
  });
});

describe('OpenAIBackend over the pool: streamed with onToken, one JSON answer without', () => {
  let srv: FaultServer;
  afterEach(() => srv?.close());
  const backend = (baseURL: string) => {
    const o = OpenAIOptions.parse({ base_url: baseURL, api_key_env: 'LLMOS_TEST_NO_KEY', probe_on_start: false });
    const info = { id: 'm', version: '1', backend: 'model-openai', capabilities: { context_window: 4096, max_output_tokens: 64, streaming: true, tool_calling: false }, pricing: { input_per_1k: 0, output_per_1k: 0 }, expected_tokens_per_s: 50, concurrency: 2 };
    return new OpenAIBackend(info as never, 'm', makeClient(o, createLogger('silent')), 1000);
  };
  const req = { messages: [{ role: 'user' as const, content: 'hello' }], max_tokens: 16 };

  it('streams tokens to onToken, and asks for stream:false when nobody listens; both give text, usage and finish_reason', async () => {
    srv = await startFaultServer();
    const b = backend(srv.baseURL);
    const pieces: string[] = [];
    const streamed = await b.complete(req, { signal: new AbortController().signal, onToken: (t) => pieces.push(t) });
    const whole = await b.complete(req, { signal: new AbortController().signal });
    await b.close();
    const expected = { text: 'bonjour from the fault server', usage: { prompt_tokens: 7, completion_tokens: 5 }, finish_reason: 'stop' };
    expect(streamed).toEqual(expected);
    expect(pieces).toEqual(['bonjour ', 'from ', 'the ', 'fault ', 'server']);
    expect(whole).toEqual(expected);
    expect(srv.requests.map((r) => r.body.stream)).toEqual([true, false]);
  });

  it('maps a 500 and a hang (aborted by the signal) the same way on the JSON path', async () => {
    srv = await startFaultServer();
    srv.script('m', { kind: '500' }, { kind: 'hang' });
    const b = backend(srv.baseURL);
    await expect(b.complete(req, { signal: new AbortController().signal })).rejects.toMatchObject({ code: 'LLMOS_EUPSTREAM', data: { retryable: true, status: 500 } });
    const ac = new AbortController();
    const reason = new Error('timed out');
    const call = b.complete(req, { signal: ac.signal });
    await expect.poll(() => srv.requests.length).toBe(2);
    ac.abort(reason);
    await expect(call).rejects.toBe(reason);
    await expect.poll(() => srv.requests[1].clientAborted).toBe(true);
    await b.close();
  });
});
