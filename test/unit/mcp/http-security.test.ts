import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveHttp, type HttpOptions } from '../../../src/mcp/http.js';
import { parseUserTokens } from '../../../src/mcp/http-guard.js';
import { call, testKernel } from '../../helpers/kernel.js';
import { bearer, INIT, openAs, openSseRaw, postMessage, rawMcp, rawRequest, slowClient } from './http-attack.js';

/** Three named users on the server's default admins (LLMOS_ADMINS unset: "stdio" only). */
const USERS = parseUserTokens('alice:alice-token-1,bob:bob-token-22,carol:carol-token-333')!;
const [ALICE, BOB, CAROL] = [USERS.alice, USERS.bob, USERS.carol];

let env: Awaited<ReturnType<typeof testKernel>>;
const servers: Array<{ close: () => Promise<void> }> = [];
const serve = async (o: Partial<HttpOptions> = {}) => {
  const s = await serveHttp(env.kernel, { host: '127.0.0.1', port: 0, users: USERS, ...o });
  servers.push(s);
  return s;
};
/** Sessions open on a server, as an authenticated /healthz tells. */
const sessionCount = async (url: string) => ((await (await fetch(`${url}/healthz`, { headers: bearer(ALICE) })).json()) as { sessions: number }).sessions;

beforeAll(async () => {
  env = await testKernel({ admins: undefined });
});
afterAll(async () => {
  for (const s of servers) await s.close();
  await env.stop();
});

describe('sessions belong to the principal that opened them', () => {
  it("bob with alice's Streamable HTTP session id gets the unknown-session answer, for a call and for DELETE; alice's session is untouched", async () => {
    const http = await serve();
    const alice = await openAs(http.url, ALICE);
    const pidsBefore = env.kernel.procs.lastPid;
    const spawn = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'proc_spawn', arguments: { prompt: 'as alice', wait: true } } };
    const unknown = await rawMcp(http.url, { token: BOB, session: randomUUID(), body: spawn });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body).error.message).toMatch(/^LLMOS_ENOPROC: unknown or expired MCP session/);

    const hijack = await rawMcp(http.url, { token: BOB, session: alice.id, body: spawn });
    expect({ status: hijack.status, body: hijack.body }).toEqual({ status: unknown.status, body: unknown.body });
    const kill = await rawMcp(http.url, { token: BOB, session: alice.id, method: 'DELETE' });
    expect({ status: kill.status, body: kill.body }).toEqual({ status: unknown.status, body: unknown.body });
    const stream = await rawMcp(http.url, { token: BOB, session: alice.id, method: 'GET' });
    expect({ status: stream.status, body: stream.body }).toEqual({ status: unknown.status, body: unknown.body });

    expect(env.kernel.procs.lastPid).toBe(pidsBefore); // bob's spawn never ran
    expect((await call(alice.client, 'sys_info')).you).toEqual({ owner: 'user:alice', admin: false });
    expect(await sessionCount(http.url)).toBe(1);
    await alice.client.close();
  });

  it("bob posting into alice's SSE session gets the unknown-session answer, and nothing reaches her stream", async () => {
    const http = await serve();
    const alice = await openSseRaw(http.url, ALICE);
    const unknown = await postMessage(http.url, BOB, randomUUID(), INIT({ name: 'bob', version: '1' }, 666));
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body).error.message).toMatch(/^LLMOS_ENOPROC: unknown or expired SSE session/);
    const hijack = await postMessage(http.url, BOB, alice.sessionId, INIT({ name: 'bob', version: '1' }, 666));
    expect(hijack).toEqual(unknown);
    // the same id is no Streamable HTTP session either, for anyone
    expect((await rawMcp(http.url, { token: ALICE, session: alice.sessionId, body: { jsonrpc: '2.0', id: 1, method: 'ping' } })).status).toBe(404);

    expect((await postMessage(http.url, ALICE, alice.sessionId, INIT({ name: 'alice', version: '1' }, 1))).status).toBe(202);
    const first = await alice.next();
    expect(first.id).toBe(1); // bob's initialize (id 666) never reached her session
    expect(first.result.serverInfo.name).toBe('llmos');
    alice.close();
    await expect.poll(() => sessionCount(http.url)).toBe(0);
  });
});

describe('session caps, idle expiry and bounded memory', () => {
  it('caps sessions per user (429 LLMOS_ERATELIMIT) and overall (503 LLMOS_EUNAVAILABLE); open sessions keep working', async () => {
    const http = await serve({ limits: { maxSessionsPerUser: 2, maxSessions: 3 } });
    const a1 = await openAs(http.url, ALICE);
    const a2 = await openAs(http.url, ALICE);
    const third = await rawMcp(http.url, { token: ALICE, body: INIT() });
    expect(third.status).toBe(429);
    expect(JSON.parse(third.body).error.message).toMatch(/^LLMOS_ERATELIMIT: "user:alice" already has 2 open MCP sessions/);
    const sse = await fetch(`${http.url}/sse`, { headers: bearer(ALICE) });
    expect(sse.status).toBe(429);
    const b1 = await openAs(http.url, BOB);
    const full = await rawMcp(http.url, { token: CAROL, body: INIT() });
    expect(full.status).toBe(503);
    expect(JSON.parse(full.body).error.message).toMatch(/^LLMOS_EUNAVAILABLE: the server holds its maximum of 3 MCP sessions/);
    expect(await sessionCount(http.url)).toBe(3);
    expect((await call(a1.client, 'sys_info')).you.owner).toBe('user:alice');

    await a2.transport.terminateSession(); // DELETE frees a place
    await expect.poll(() => sessionCount(http.url)).toBe(2);
    const again = await openAs(http.url, ALICE);
    expect((await call(again.client, 'sys_info')).you.owner).toBe('user:alice');
    for (const c of [a1, a2, b1, again]) await c.client.close();
  });

  it('closes a session idle past LLMOS_SESSION_IDLE_MS and runs its session hooks’ cleanup', async () => {
    const http = await serve({ limits: { sessionIdleMs: 150 } });
    const ended: string[] = [];
    env.kernel.sessionHooks.push((s) => () => void ended.push(s.id));
    try {
      const alice = await openAs(http.url, ALICE);
      expect((await call(alice.client, 'sys_info')).you.owner).toBe('user:alice');
      await expect.poll(() => ended.includes(`http:${alice.id.slice(0, 8)}`), { timeout: 5000 }).toBe(true);
      const gone = await rawMcp(http.url, { token: ALICE, session: alice.id, body: { jsonrpc: '2.0', id: 9, method: 'ping' } });
      expect(gone.status).toBe(404);
      expect(await sessionCount(http.url)).toBe(0);
    } finally {
      env.kernel.sessionHooks.pop();
    }
  });

  it('refuses an initialize with a padded clientInfo, over Streamable HTTP and SSE, and keeps no session', async () => {
    const http = await serve({ limits: { maxClientInfoBytes: 1024 } });
    const padded = INIT({ name: 'x'.repeat(100_000), version: '1' });
    const r = await rawMcp(http.url, { token: ALICE, body: padded });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).error.message).toMatch(/^LLMOS_ETOOBIG: initialize clientInfo/);
    expect(await sessionCount(http.url)).toBe(0);

    const sse = await openSseRaw(http.url, ALICE);
    expect((await postMessage(http.url, ALICE, sse.sessionId, padded)).status).toBe(202);
    expect((await sse.next()).error).toMatchObject({ code: -32602, message: expect.stringMatching(/^LLMOS_ETOOBIG/) });
    // and before a (good) initialize, nothing else is served
    expect((await postMessage(http.url, ALICE, sse.sessionId, { jsonrpc: '2.0', id: 2, method: 'tools/list' })).status).toBe(202);
    expect(await sse.next()).toMatchObject({ id: 2, error: { code: -32600, message: expect.stringMatching(/^LLMOS_EINVAL: "tools\/list" before initialize/) } });
    sse.close();
  });
});

describe('authentication details', () => {
  it('limits wrong tokens per address: 429 with Retry-After, even for a right token, and nothing is served', async () => {
    const http = await serve({ limits: { authMaxFailures: 3, authFailureWindowMs: 60_000 } });
    for (const guess of ['alice-token-2', 'x', 'alice-token-1-and-more']) expect((await rawMcp(http.url, { token: guess, body: INIT() })).status).toBe(401);
    const locked = await rawMcp(http.url, { token: ALICE, body: INIT() });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(JSON.parse(locked.body).error.message).toMatch(/^LLMOS_ERATELIMIT: too many wrong bearer tokens/);
    expect((await fetch(`${http.url}/healthz`, { headers: bearer(ALICE) })).status).toBe(429);
    expect(((await (await fetch(`${http.url}/healthz`)).json()) as object)).toEqual({ ok: true }); // no token: still says it is up
  });

  it('accepts the Bearer scheme and the Host name in any case', async () => {
    const http = await serve();
    const r = await rawMcp(http.url, { body: INIT(), headers: { authorization: `bEaReR ${BOB}` } });
    expect(r.status).toBe(200);
    const host = await rawRequest(`${http.url}/healthz`, { host: `LOCALHOST:${http.url.split(':').pop()}`, authorization: `bearer ${BOB}` });
    expect(host.status).toBe(200);
    const mcp = await rawRequest(`${http.url}/mcp`, { host: 'LocalHost', authorization: `BEARER ${BOB}` });
    expect(mcp.status).toBe(400); // through the guard; no session
  });

  it('/healthz tells an unauthenticated caller only that the server is up; a wrong token is refused', async () => {
    const http = await serve();
    expect(await (await fetch(`${http.url}/healthz`)).json()).toEqual({ ok: true });
    expect(await (await fetch(`${http.url}/healthz`, { headers: bearer(CAROL) })).json()).toMatchObject({ ok: true, version: expect.any(String), sessions: 0 });
    expect((await fetch(`${http.url}/healthz`, { headers: bearer('carol-token-334') })).status).toBe(401);
    const open = await serveHttp(env.kernel, { host: '127.0.0.1', port: 0 });
    servers.push(open);
    expect(await (await fetch(`${open.url}/healthz`)).json()).toEqual({ ok: true }); // no tokens: nobody is authenticated
  });

  it('makes no named user an admin by default', async () => {
    const http = await serve();
    const bob = await openAs(http.url, BOB);
    expect((await call(bob.client, 'sys_info')).you).toEqual({ owner: 'user:bob', admin: false });
    await bob.client.close();
  });
});

describe('connection bounds', () => {
  it('answers a slow body 408 and closes it within the request timeout, creating nothing', async () => {
    const http = await serve({ limits: { requestTimeoutMs: 300, headersTimeoutMs: 200 } });
    const pidsBefore = env.kernel.procs.lastPid;
    const body = JSON.stringify(INIT());
    const slow = slowClient(http.port, `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${ALICE}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
    await slow.closed;
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(await sessionCount(http.url)).toBe(0);
    expect(env.kernel.procs.lastPid).toBe(pidsBefore);
  });

  it('closes a connection whose headers never end', async () => {
    const http = await serve({ limits: { requestTimeoutMs: 300, headersTimeoutMs: 200 } });
    const slow = slowClient(http.port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    await slow.closed;
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('refuses connections over the per-address cap with 503, and serves again once one closes', async () => {
    const http = await serve({ limits: { maxConnectionsPerClient: 2 } });
    const held = [slowClient(http.port, ''), slowClient(http.port, '')];
    const open = () => new Promise<number>((r, j) => http.server.getConnections((e, n) => (e ? j(e) : r(n))));
    await expect.poll(open).toBe(2); // both held connections accepted before the next one
    const refused = slowClient(http.port, `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    await refused.closed;
    expect(refused.received()).toMatch(/^HTTP\/1\.1 503 /);
    expect(refused.received()).toMatch(/LLMOS_EUNAVAILABLE: your address holds over 2 open connections/);
    held[0].socket.destroy();
    await held[0].closed;
    await expect.poll(async () => (await fetch(`${http.url}/healthz`, { headers: { connection: 'close' } })).status).toBe(200);
    held[1].socket.destroy();
  });
});
