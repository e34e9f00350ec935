import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fcfs from '../../../plugins/sched-fcfs/index.js';
import obsConsole from '../../../plugins/obs-console/index.js';
import { kernelApi } from '../../../src/kernel/api.js';
import { serveHttp } from '../../../src/mcp/http.js';
import type { KernelApi } from '../../../src/plugin-api/index.js';
import { EchoBackend, echoPlugin } from '../../fixtures/echo-backend.js';
import { testKernel } from '../../helpers/kernel.js';

const USERS = { root: 'root-token-1', alice: 'alice-token-1', bob: 'bob-token-12' };

describe('obs-console /ui/api: the permission model over HTTP', () => {
  let booted: Awaited<ReturnType<typeof testKernel>>;
  let http: Awaited<ReturnType<typeof serveHttp>>;
  let api: KernelApi;
  let hang: number;
  const as = (user: keyof typeof USERS, path: string, init: RequestInit = {}) =>
    fetch(`${http.url}${path}`, { ...init, headers: { authorization: `Bearer ${USERS[user]}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
  const code = async (r: Response) => ((await r.json()) as { error: { code: string } }).error.code;

  beforeAll(async () => {
    booted = await testKernel({ inline: [fcfs, echoPlugin([new EchoBackend('echo', {}, 1)]), obsConsole], admins: ['user:root'] });
    api = kernelApi(booted.kernel);
    http = await serveHttp(booted.kernel, { host: '127.0.0.1', port: 0, users: USERS });
    await api.wait(api.spawn({ prompt: 'alice done' }, 'user:alice').pid, 10_000);
    hang = api.spawn({ prompt: 'hang here' }, 'user:alice').pid;
  });
  afterAll(async () => {
    await http.close();
    await booted.stop();
  });

  it('serves the page without a token, but no data without one, and refuses a wrong one', async () => {
    const page = await fetch(`${http.url}/ui`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect((await fetch(`${http.url}/ui/app.js`)).headers.get('content-type')).toContain('javascript');
    expect((await fetch(`${http.url}/ui/api/snapshot`)).status).toBe(401);
    expect((await fetch(`${http.url}/ui`, { headers: { authorization: 'Bearer not-a-token' } })).status).toBe(401);
  });

  it('shows a user only their own processes and budget; an admin everyone\'s', async () => {
    const alice = (await (await as('alice', '/ui/api/snapshot')).json()) as { me: { owner: string }; procs: Array<{ owner: string; pid: number }>; budgets: Array<{ owner: string }> };
    expect(alice.me.owner).toBe('user:alice');
    expect(alice.procs.map((p) => p.pid).sort()).toEqual([1, hang].sort());
    const bob = (await (await as('bob', '/ui/api/snapshot')).json()) as typeof alice;
    expect(bob.procs).toEqual([]);
    expect(bob.budgets.map((b) => b.owner)).toEqual(['user:bob']);
    const root = (await (await as('root', '/ui/api/snapshot')).json()) as typeof alice;
    expect(root.procs.some((p) => p.owner === 'user:alice')).toBe(true);
  });

  it('refuses another user\'s stream and kill with LLMOS_EPERM, and bad input with LLMOS_EINVAL', async () => {
    const watch = await as('bob', `/ui/api/stream/${hang}`);
    expect([watch.status, await code(watch)]).toEqual([403, 'LLMOS_EPERM']);
    const kill = await as('bob', '/ui/api/kill', { method: 'POST', body: JSON.stringify({ pid: hang }) });
    expect([kill.status, await code(kill)]).toEqual([403, 'LLMOS_EPERM']);
    expect(api.proc(hang)!.state).not.toBe('exited');
    const bad = await as('alice', '/ui/api/stream/abc');
    expect([bad.status, await code(bad)]).toEqual([400, 'LLMOS_EINVAL']);
    const none = await as('alice', '/ui/api/stream/99999');
    expect([none.status, await code(none)]).toEqual([404, 'LLMOS_ENOPROC']);
    const badKill = await as('alice', '/ui/api/kill', { method: 'POST', body: JSON.stringify({ pid: 'x' }) });
    expect([badKill.status, await code(badKill)]).toEqual([400, 'LLMOS_EINVAL']);
  });

  it('streams a process\'s tokens as the SSE events it streamed, sharing socket writes', async () => {
    const words = Array.from({ length: 400 }, (_, i) => `w${i}`);
    // Queued behind two hanging calls (the model's two slots), so that it is watched before it runs and its call streams.
    const blocker = api.spawn({ prompt: 'hang blocker' }, 'user:alice').pid;
    const pid = api.spawn({ prompt: words.join(' '), max_tokens: 500 }, 'user:alice').pid;
    const res = await as('alice', `/ui/api/stream/${pid}`);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = (await reader.read()).value ?? '';
    expect(text).toContain('event: state');
    api.kill(blocker);
    let reads = 0;
    for (let r = await reader.read(); !r.done; r = await reader.read()) (text += r.value), reads++;
    const events = [...text.matchAll(/event: (\w+)\ndata: (.*)\n\n/g)].map(([, name, data]) => ({ name, data: JSON.parse(data) as { text?: string } }));
    const tokens = events.filter((e) => e.name === 'token').map((e) => e.data.text).join('');
    const end = events.at(-1)!;
    expect(end.name).toBe('end');
    expect(end.data.text).toBe(`echo: ${words.join(' ')}`);
    // Every token event arrived, in order.
    expect(tokens).toBe(`${end.data.text} `);
    // Hundreds of token events ~1 ms apart, written at most every 20 ms: far fewer reads than events.
    expect(reads).toBeLessThan(events.length / 2);
  });

  it('streams snapshots over SSE, and lets an admin kill another user\'s process', async () => {
    const res = await as('alice', '/ui/api/events');
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes('event: snapshot')) text += (await reader.read()).value ?? '';
    await reader.cancel();
    const kill = await as('root', '/ui/api/kill', { method: 'POST', body: JSON.stringify({ pid: hang }) });
    expect(kill.status).toBe(200);
    expect((await api.wait(hang, 5_000)).exit).toBe('killed');
  });
});
