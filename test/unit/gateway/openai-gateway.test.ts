import { connect as tcp, type Socket } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import gateway, { mountOpenAiRoutes } from '../../../plugins/gateway-openai/index.js';
import fcfs from '../../../plugins/sched-fcfs/index.js';
import { serveHttp } from '../../../src/mcp/http.js';
import { kernelApi } from '../../../src/kernel/api.js';
import { params } from '../../../src/kernel/params.js';
import { EchoBackend, echoPlugin } from '../../fixtures/echo-backend.js';
import { call, connect, testKernel } from '../../helpers/kernel.js';

const TOKEN = 'gateway-test-token';
/** Resolves when the socket closes, however it ends (a reset too). */
const closed = (s: Socket) => new Promise((resolve) => s.once('close', resolve));

describe('OpenAI-compatible gateway (real openai SDK against /v1)', () => {
  let booted: Awaited<ReturnType<typeof testKernel>>;
  let http: Awaited<ReturnType<typeof serveHttp>>;
  let openai: OpenAI;
  const echo = new EchoBackend('echo', {}, 2);
  const slow = new EchoBackend('slow', {}, 200);
  /** Only asked for "fail:" prompts by id, so its cooldown does not hold up the other tests. */
  const flaky = new EchoBackend('flaky', {}, 1);

  beforeAll(async () => {
    booted = await testKernel({ backends: [echo, slow, flaky] });
    http = await serveHttp(booted.kernel, { host: '127.0.0.1', port: 0, token: TOKEN, users: { carol: 'carol-token-1' }, mount: (app) => mountOpenAiRoutes(app, kernelApi(booted.kernel)) });
    openai = new OpenAI({ baseURL: `${http.url}/v1`, apiKey: TOKEN, maxRetries: 0 });
  });
  afterAll(async () => {
    await http.close();
    await booted.stop();
  });

  it('answers a non-streaming completion as a process listed by proc_list', async () => {
    const { data, response } = await openai.chat.completions
      .create({ model: 'auto', messages: [{ role: 'user', content: 'hello gateway' }], max_tokens: 16 })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0].message.content).toBe('echo: hello gateway');
    expect(data.choices[0].finish_reason).toBe('stop');
    expect(data.model).toBe('echo'); // "auto" went through the (first-candidate) allocator
    expect(data.usage).toEqual({ prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 });
    const pid = Number(response.headers.get('x-llmos-pid'));
    expect(data.id).toBe(`chatcmpl-llmos-${pid}`);

    const mcp = await connect(booted.kernel);
    const { procs } = await call(mcp.client, 'proc_list', { owner: 'openai-gateway' });
    await mcp.close();
    const rec = procs.find((r: { pid: number }) => r.pid === pid);
    expect(rec).toMatchObject({ state: 'exited', exit: 'ok', owner: 'openai-gateway', model: 'echo', result: { text: 'echo: hello gateway' } });
    expect(rec.task.metadata.via).toBe('openai-gateway');
  });

  it('routes a concrete model id straight to that model', async () => {
    const before = slow.calls;
    const r = await openai.chat.completions.create({ model: 'slow', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: [{ type: 'text', text: 'pinned' }] }] });
    expect(r.model).toBe('slow');
    expect(r.choices[0].message.content).toBe('echo: pinned');
    expect(slow.calls).toBe(before + 1);
  });

  it('streams SSE chunks, then a usage chunk when stream_options.include_usage', async () => {
    const stream = await openai.chat.completions.create({
      model: 'echo',
      messages: [{ role: 'user', content: 'one two three' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text.trim()).toBe('echo: one two three');
    expect(chunks.filter((c) => c.choices[0]?.delta.content).length).toBeGreaterThanOrEqual(4); // token by token
    const finish = chunks.find((c) => c.choices[0]?.finish_reason);
    expect(finish?.choices[0].finish_reason).toBe('stop');
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual({ prompt_tokens: 4, completion_tokens: 4, total_tokens: 8 });
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
  });

  it('omits the usage chunk without include_usage', async () => {
    const stream = await openai.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'x' }], stream: true });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks.some((c) => c.usage)).toBe(false);
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe('stop');
  });

  it('lists "auto" and every shared model at /v1/models, not a session\'s private one', async () => {
    const mine = new EchoBackend('client:private', { owner: 'http:someone' });
    booted.kernel.addModel(mine);
    try {
      const ids = [];
      for await (const m of openai.models.list()) ids.push(m.id);
      expect(ids).toEqual(['auto', 'echo', 'slow', 'flaky']);
    } finally {
      await booted.kernel.removeModel('client:private');
    }
  });

  it("runs a named user's requests as that user's processes, and the shared token's as the gateway's", async () => {
    const carol = new OpenAI({ baseURL: `${http.url}/v1`, apiKey: 'carol-token-1', maxRetries: 0 });
    const mine = await carol.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'mine' }] }).withResponse();
    expect(booted.kernel.procs.must(Number(mine.response.headers.get('x-llmos-pid'))).owner).toBe('user:carol');
    const shared = await openai.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'shared' }] }).withResponse();
    expect(booted.kernel.procs.must(Number(shared.response.headers.get('x-llmos-pid'))).owner).toBe('openai-gateway');
  });

  it('refuses a request without the bearer token (401)', async () => {
    const anon = new OpenAI({ baseURL: `${http.url}/v1`, apiKey: 'wrong-token', maxRetries: 0 });
    await expect(anon.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 401 });
    const res = await fetch(`${http.url}/v1/models`);
    expect(res.status).toBe(401);
  });

  it('answers errors in OpenAI shape with LLMOS codes', async () => {
    await expect(openai.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({
      status: 404,
      code: 'LLMOS_ENOMODEL',
      type: 'invalid_request_error',
    });
    const res = await fetch(`${http.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'auto', messages: [] }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'LLMOS_EINVAL' });
    expect(body.error.message).toMatch(/messages/);
    await expect(openai.chat.completions.create({ model: 'flaky', messages: [{ role: 'user', content: 'fail: always' }] })).rejects.toMatchObject({
      status: 502,
      code: 'LLMOS_EUPSTREAM',
    });
  });

  it('answers a body that is not JSON with 400, and one over the size limit with 413', async () => {
    const post = (body: string) => fetch(`${http.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body });
    const bad = await post('{not json');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('LLMOS_EINVAL');
    const huge = await post(JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'x'.repeat(5 * 1024 * 1024) }] }));
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: { code: string } }).error.code).toBe('LLMOS_ETOOBIG');
    expect((await openai.models.list()).data.length).toBeGreaterThan(0); // still serving
  });

  it('does not read a body far over the limit: a huge Content-Length gets 413 at once, an endless chunked body is cut at twice the limit', async () => {
    const limit = params.maxInputBytes * 4; // the HTTP transport's body limit
    const head = (extra: string) => `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\n${extra}\r\n`;
    const port = Number(new URL(http.url).port);

    // 10 GB announced, nothing sent: the answer comes without waiting for a byte of the body.
    const announced = tcp(port, '127.0.0.1');
    let answer = '';
    announced.on('data', (d) => (answer += d));
    announced.on('error', () => {}); // a reset shows as a missing answer below
    announced.write(head(`Content-Length: ${10 * 1024 ** 3}\r\n`));
    await closed(announced);
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toMatch(/"code":"LLMOS_ETOOBIG"/);

    // Chunks without end: the server drops the connection once it has read twice the limit, long before the request timeout.
    const endless = tcp(port, '127.0.0.1');
    endless.on('error', () => {}); // the server resets it mid-write
    let sent = 0;
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const pump = () => {
      while (!endless.destroyed && sent < 8 * limit) {
        sent += chunk.length;
        if (!endless.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`)) return void endless.once('drain', pump);
      }
    };
    endless.write(head('Transfer-Encoding: chunked\r\n'));
    pump();
    const t0 = Date.now();
    await closed(endless);
    expect(Date.now() - t0).toBeLessThan(params.httpRequestTimeoutMs);
    expect(sent).toBeGreaterThan(2 * limit);
    expect(sent).toBeLessThan(8 * limit); // cut, not read until the sender stopped
    expect((await openai.models.list()).data.length).toBeGreaterThan(0); // still serving
  });

  it('kills the process when the client disconnects', async () => {
    const ac = new AbortController();
    const pending = openai.chat.completions.create({ model: 'slow', messages: [{ role: 'user', content: 'hang forever' }] }, { signal: ac.signal });
    await until(() => [...booted.kernel.procs.scan()].some((p) => p.task.messages?.[0]?.content === 'hang forever' && p.state === 'running'));
    const p = [...booted.kernel.procs.scan()].find((q) => q.task.messages?.[0]?.content === 'hang forever')!;
    ac.abort();
    await expect(pending).rejects.toThrow();
    const done = await booted.kernel.procs.wait(p.pid, 5000);
    expect(done.exit).toBe('killed');
    expect(done.error?.code).toBe('LLMOS_EKILLED');
  });

  it('kills a streaming process when the client disconnects mid-stream', async () => {
    const ac = new AbortController();
    const stream = await openai.chat.completions.create({ model: 'slow', messages: [{ role: 'user', content: 'a b c d e f g h i j' }], stream: true }, { signal: ac.signal });
    const pid = [...booted.kernel.procs.scan()].at(-1)!.pid;
    const seen = [];
    // The SDK ends the iteration quietly on abort; what matters is the server side.
    try {
      for await (const c of stream) {
        seen.push(c);
        if (seen.length === 2) ac.abort();
      }
    } catch {
      /* aborted */
    }
    expect(seen.length).toBeLessThan(5);
    const done = await booted.kernel.procs.wait(pid, 5000);
    expect(done.exit).toBe('killed');
  });
});

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('gateway-openai as a plugin', () => {
  it('adds its routes to the HTTP transport through scope.http()', async () => {
    const { kernel, stop } = await testKernel({ inline: [fcfs, echoPlugin(), gateway] });
    const http = await serveHttp(kernel, { host: '127.0.0.1', port: 0 });
    try {
      const openai = new OpenAI({ baseURL: `${http.url}/v1`, apiKey: 'unused-on-loopback', maxRetries: 0 });
      const r = await openai.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'via plugin' }] });
      expect(r.choices[0].message.content).toBe('echo: via plugin');
      expect(kernel.procs.must(Number(r.id.replace('chatcmpl-llmos-', ''))).owner).toBe('openai-gateway');
    } finally {
      await http.close();
      await stop();
    }
  });
});
