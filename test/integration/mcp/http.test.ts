import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseUserTokens } from '../../../src/mcp/http-guard.js';
import { serveHttp } from '../../../src/mcp/http.js';
import allocCore from '../../../plugins/alloc-core/index.js';
import modelCore from '../../../plugins/model-core/index.js';
import fcfs from '../../../plugins/sched-fcfs/index.js';
import { echoPlugin } from '../../fixtures/echo-backend.js';
import { call, callError, testKernel } from '../../helpers/kernel.js';

const TOKEN = 'test-token-123';
let env: Awaited<ReturnType<typeof testKernel>>;
let http: Awaited<ReturnType<typeof serveHttp>>;
let open: Awaited<ReturnType<typeof serveHttp>>;
const auth = { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } };

beforeAll(async () => {
  env = await testKernel();
  http = await serveHttp(env.kernel, { host: '127.0.0.1', port: 0, token: TOKEN });
  open = await serveHttp(env.kernel, { host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await http.close();
  await open.close();
  await env.stop();
});

describe('Streamable HTTP at /mcp', () => {
  it('serves a real SDK client with a bearer token, one server per session', async () => {
    const a = new Client({ name: 'a', version: '1' });
    const b = new Client({ name: 'b', version: '1' });
    await a.connect(new StreamableHTTPClientTransport(new URL(`${http.url}/mcp`), auth));
    await b.connect(new StreamableHTTPClientTransport(new URL(`${http.url}/mcp`), auth));
    const pa = await call(a, 'proc_spawn', { prompt: 'over http', wait: true });
    const pb = await call(b, 'proc_spawn', { prompt: 'over http too', wait: true });
    expect(pa.result.text).toBe('echo: over http');
    expect(pa.owner).not.toBe(pb.owner);
    expect((await call(a, 'sys_info')).transports).toEqual(expect.arrayContaining(['streamable-http', 'sse']));
    await a.close();
    await b.close();
  });

  it('401 without the token, 403 for a foreign Origin or Host', async () => {
    const init = { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{}' };
    expect((await fetch(`${http.url}/mcp`, init)).status).toBe(401);
    expect((await fetch(`${http.url}/sse`)).status).toBe(401);
    const evil = await fetch(`${http.url}/mcp`, { ...init, headers: { ...init.headers, authorization: `Bearer ${TOKEN}`, origin: 'https://evil.example' } });
    expect(evil.status).toBe(403);
    expect(((await evil.json()) as { error: { message: string } }).error.message).toMatch(/LLMOS_EPERM: Origin/);
    // fetch may not set Host, so a raw request plays the DNS-rebinding page
    const rebinding = await new Promise<number>((resolve, reject) => {
      const req = request(`${open.url}/mcp`, { method: 'POST', headers: { host: 'attacker.example:80', 'content-type': 'application/json' } }, (res) => resolve(res.statusCode!));
      req.on('error', reject);
      req.end('{}');
    });
    expect(rebinding).toBe(403);
    const local = await fetch(`${open.url}/mcp`, { ...init, headers: { ...init.headers, origin: 'http://localhost:6274' } });
    expect(local.status).toBe(400); // allowed through the guard; no session yet
  });

  it('/healthz answers without auth', async () => {
    const r = await fetch(`${http.url}/healthz`);
    expect(r.status).toBe(200);
    expect(((await r.json()) as { ok: boolean }).ok).toBe(true);
  });

  it('refuses a non-loopback bind without LLMOS_AUTH_TOKEN', async () => {
    await expect(serveHttp(env.kernel, { host: '0.0.0.0', port: 0 })).rejects.toMatchObject({ code: 'LLMOS_EPERM' });
  });
});

describe('legacy SSE at /sse + /messages', () => {
  it('serves the SDK SSE client', async () => {
    const c = new Client({ name: 'sse', version: '1' });
    await c.connect(new SSEClientTransport(new URL(`${http.url}/sse`), { ...auth, eventSourceInit: { fetch: (u, i) => fetch(u, { ...i, headers: { ...(i?.headers as Record<string, string>), Authorization: `Bearer ${TOKEN}` } }) } }));
    const p = await call(c, 'proc_spawn', { prompt: 'via sse', wait: true });
    expect(p.exit).toBe('ok');
    expect(p.owner).toMatch(/^sse:/);
    await c.close();
  });
});

describe('sessions with LLMOS_ADMINS=stdio', () => {
  it('an HTTP session acts on its own processes only, and may not change server-wide settings', async () => {
    const shared = await testKernel({ admins: ['stdio'], inline: [fcfs, echoPlugin(), allocCore] });
    const server = await serveHttp(shared.kernel, { host: '127.0.0.1', port: 0 });
    const a = new Client({ name: 'a', version: '1' });
    const b = new Client({ name: 'b', version: '1' });
    try {
      await a.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`)));
      await b.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`)));
      const mine = await call(a, 'proc_spawn', { prompt: 'hang until killed' });
      const denied = await callError(b, 'proc_kill', { pid: mine.pid });
      expect(denied.code).toBe('LLMOS_EPERM');
      expect(denied.message).toContain(`belongs to "${mine.owner}"`);
      await expect(b.readResource({ uri: `llmos://proc/${mine.pid}` })).rejects.toThrow(/LLMOS_EPERM/);
      const listed = JSON.parse(((await b.readResource({ uri: 'llmos://proc' })).contents[0] as { text: string }).text) as { procs: unknown[] };
      expect(listed.procs).toEqual([]); // a's process is not b's to see
      expect(JSON.parse(((await a.readResource({ uri: `llmos://proc/${mine.pid}` })).contents[0] as { text: string }).text).state).not.toBe('exited'); // still alive
      expect((await callError(b, 'alloc_set', { name: 'first' })).code).toBe('LLMOS_EPERM');
      expect((await call(b, 'sys_info')).you).toEqual({ owner: expect.stringMatching(/^http:/), admin: false });
      expect((await call(a, 'proc_kill', { pid: mine.pid })).pid).toBe(mine.pid);
    } finally {
      await a.close();
      await b.close();
      await server.close();
      await shared.stop();
    }
  });
});

describe('named users (LLMOS_AUTH_TOKENS)', () => {
  it("a user's sessions share one owner, so processes and budgets follow the user across reconnects", async () => {
    const shared = await testKernel({ admins: ['stdio'], inline: [fcfs, echoPlugin(), allocCore, modelCore] });
    const server = await serveHttp(shared.kernel, { host: '127.0.0.1', port: 0, users: parseUserTokens('alice:alice-token-1,bob:bob-token-22') });
    const as = (token: string) => ({ requestInit: { headers: { Authorization: `Bearer ${token}` } } });
    const open = async (token: string) => {
      const c = new Client({ name: 'u', version: '1' });
      await c.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), as(token)));
      return c;
    };
    const clients: Client[] = [];
    try {
      const first = await open('alice-token-1');
      clients.push(first);
      const mine = await call(first, 'proc_spawn', { prompt: 'hang until killed' });
      expect(mine.owner).toBe('user:alice');
      await shared.kernel.syscalls.dispatch('budget_set', { owner: 'user:alice', cost_usd: 1 }, { owner: 'stdio', signal: new AbortController().signal, progress() {} });
      await first.close();

      const again = await open('alice-token-1'); // a new session, the same user
      clients.push(again);
      expect((await call(again, 'budget_get')).limit.cost_usd).toBe(1); // no fresh budget by reconnecting
      expect((await call(again, 'proc_kill', { pid: mine.pid })).pid).toBe(mine.pid);

      const bob = await open('bob-token-22');
      clients.push(bob);
      expect((await call(bob, 'sys_info')).you).toEqual({ owner: 'user:bob', admin: false });
      expect((await callError(bob, 'proc_get', { pid: mine.pid })).code).toBe('LLMOS_EPERM');
      const wrong = await fetch(`${server.url}/mcp`, { method: 'POST', headers: { authorization: 'Bearer nobody-token', 'content-type': 'application/json' }, body: '{}' });
      expect(wrong.status).toBe(401);
    } finally {
      for (const c of clients) await c.close().catch(() => undefined);
      await server.close();
      await shared.stop();
    }
  });

  it('rejects a malformed LLMOS_AUTH_TOKENS entry, naming it', () => {
    expect(() => parseUserTokens('alice')).toThrow(/entry "alice:…" must be name:token/);
    expect(() => parseUserTokens('alice:short')).toThrow(/at least 8 characters/);
    expect(parseUserTokens('  ')).toBeUndefined();
  });
});
