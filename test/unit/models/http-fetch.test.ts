import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import OpenAI, { APIConnectionError, APIError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { OpenAIBackend } from '../../../plugins/model-openai/backend.js';
import { upstreamError } from '../../../plugins/model-openai/errors.js';
import { createHttpFetch, type HttpFetch } from '../../../plugins/model-openai/http-fetch.js';
import { makeClient, OpenAIOptions } from '../../../plugins/model-openai/connection.js';
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

describe('model-openai node:http fetch adapter', () => {
  const cleanup: (() => unknown)[] = [];
  let hf: HttpFetch;
  afterEach(async () => {
    hf?.close();
    for (const c of cleanup.splice(0).reverse()) await c();
  });
  const start = async (handler: http.RequestListener) => {
    const s = await serve(handler);
    cleanup.push(s.close);
    hf = createHttpFetch();
    return s;
  };

  it('sends method, headers and body, returns status, headers and JSON, and reuses one keep-alive socket', async () => {
    const seen: { method?: string; length?: string; auth?: string; body: string }[] = [];
    const s = await start(async (req, res) => {
      let body = '';
      for await (const c of req) body += c;
      seen.push({ method: req.method, length: req.headers['content-length'], auth: req.headers.authorization, body });
      res.writeHead(201, { 'content-type': 'application/json', 'x-thing': 'a' });
      res.end(JSON.stringify({ echo: JSON.parse(body) }));
    });
    for (let i = 0; i < 3; i++) {
      const r = await hf.fetch(`${s.url}/v1/x?q=1`, { method: 'POST', headers: new Headers({ authorization: 'Bearer t' }), body: JSON.stringify({ i, s: 'é' }) });
      expect(r.status).toBe(201);
      expect(r.headers.get('x-thing')).toBe('a');
      expect(await r.json()).toEqual({ echo: { i, s: 'é' } });
    }
    expect(seen[2]).toEqual({ method: 'POST', length: String(Buffer.byteLength('{"i":2,"s":"é"}')), auth: 'Bearer t', body: '{"i":2,"s":"é"}' });
    expect(s.connections()).toBe(1);
  });

  it('streams the body as it arrives: the first event is readable before the server writes the second', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let secondWritten = false;
    const s = await start(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: one\n\n');
      await gate;
      secondWritten = true;
      res.end('data: two\n\n');
    });
    const r = await hf.fetch(`${s.url}/sse`);
    const reader = r.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('data: one\n\n');
    expect(secondWritten).toBe(false);
    release();
    let rest = '';
    for (let c = await reader.read(); !c.done; c = await reader.read()) rest += new TextDecoder().decode(c.value);
    expect(rest).toBe('data: two\n\n');
  });

  it('an abort before the response rejects with the abort reason and destroys the request', async () => {
    let left: Promise<boolean> | undefined;
    const s = await start((_req, res) => void (left = clientLeft(res))); // never answers
    const ac = new AbortController();
    const p = hf.fetch(`${s.url}/hang`, { signal: ac.signal });
    await expect.poll(() => left !== undefined).toBe(true);
    ac.abort();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(await left).toBe(true);
  });

  it('an abort mid-body errors the body with the abort reason and the server sees the client go', async () => {
    let left!: Promise<boolean>;
    const s = await start((_req, res) => {
      left = clientLeft(res);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: one\n\n');
    });
    const ac = new AbortController();
    const r = await hf.fetch(`${s.url}/sse`, { signal: ac.signal });
    const reader = r.body!.getReader();
    await reader.read();
    const reason = new Error('killed');
    ac.abort(reason);
    await expect(reader.read()).rejects.toBe(reason);
    expect(await left).toBe(true);
  });

  it('a reset before the response rejects like fetch: TypeError with the socket code in its cause', async () => {
    const s = await start((req) => req.socket.destroy());
    const e = await hf.fetch(`${s.url}/reset`, { method: 'POST', body: '{}' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TypeError);
    expect(e).toMatchObject({ message: 'fetch failed', cause: { code: 'ECONNRESET' } });
  });

  it('a body cut short errors the stream with TypeError("terminated")', async () => {
    const s = await start((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"partial":');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const r = await hf.fetch(`${s.url}/cut`);
    await expect(r.text()).rejects.toMatchObject({ name: 'TypeError', message: 'terminated' });
  });

  it('decodes a gzip body, and gives 204 a null body', async () => {
    const s = await start((req, res) => {
      if (req.url === '/empty') return void res.writeHead(204).end();
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipSync(JSON.stringify({ ok: true })));
    });
    expect(await (await hf.fetch(`${s.url}/gz`)).json()).toEqual({ ok: true });
    const empty = await hf.fetch(`${s.url}/empty`);
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
  });

  it('rejects a status fetch cannot represent instead of throwing out of the socket handler', async () => {
    const s = await start((_req, res) => void res.writeHead(600).end('odd'));
    await expect(hf.fetch(`${s.url}/odd`)).rejects.toMatchObject({ name: 'TypeError', message: 'fetch failed', cause: { name: 'RangeError' } });
  });

  it('under the openai client: a 429 keeps its Retry-After, a refused connection names ECONNREFUSED', async () => {
    const s = await start((_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '2' });
      res.end(JSON.stringify({ error: { message: 'slow down', type: 'rate_limit_error' } }));
    });
    const client = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: 'k', maxRetries: 0, fetch: hf.fetch });
    const limited = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }).catch((x: unknown) => x);
    expect(limited).toBeInstanceOf(APIError);
    expect(upstreamError('m', limited).data).toMatchObject({ retryable: true, status: 429, retry_after_ms: 2000 });

    await s.close();
    const fresh = createHttpFetch(); // a pool without the socket the server just closed
    cleanup.push(() => fresh.close());
    const refused = await new OpenAI({ baseURL: `${s.url}/v1`, apiKey: 'k', maxRetries: 0, fetch: fresh.fetch }).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }).catch((x: unknown) => x);
    expect(refused).toBeInstanceOf(APIConnectionError);
    expect(upstreamError('m', refused).data).toMatchObject({ retryable: true, detail: 'ECONNREFUSED' });
  });
});

describe('OpenAIBackend over the adapter: streamed with onToken, one JSON answer without', () => {
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
