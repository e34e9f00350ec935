import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import modelCore from '../../../plugins/model-core/index.js';
import { serveHttp } from '../../../src/mcp/http.js';
import { parseUserTokens } from '../../../src/mcp/http-guard.js';
import { echoPlugin } from '../../fixtures/echo-backend.js';
import { call, callError, testKernel } from '../../helpers/kernel.js';
import fcfs from '../../../plugins/sched-fcfs/index.js';
import { openAs } from './http-attack.js';

/** Two named users, neither an admin (alice's policy allows only processes and reading her budget), and one admin. */
const USERS = parseUserTokens('alice:alice-token-1,bob:bob-token-22,root:root-token-333')!;
const policy = { 'user:alice': { syscalls: ['proc_*', 'budget_get'] } };

let env: Awaited<ReturnType<typeof testKernel>>;
let http: Awaited<ReturnType<typeof serveHttp>>;
beforeAll(async () => {
  env = await testKernel({ admins: ['user:root'], policy, inline: [fcfs, echoPlugin(), modelCore] });
  http = await serveHttp(env.kernel, { host: '127.0.0.1', port: 0, users: USERS });
});
afterAll(async () => {
  await http.close();
  await env.stop();
});

const toolNames = async (token: string) => {
  const s = await openAs(http.url, token);
  const names = (await s.client.listTools()).tools.map((t) => t.name);
  return { ...s, names };
};

describe('tools/list shows each user only what its policy lets it call (Streamable HTTP)', () => {
  it("alice sees only her policy's tools; calling a hidden one is still refused with LLMOS_EPERM, and nothing changes", async () => {
    const alice = await toolNames(USERS.alice);
    expect(alice.names.sort()).toEqual(['budget_get', 'policy_get', 'proc_get', 'proc_kill', 'proc_list', 'proc_nice', 'proc_spawn', 'proc_wait']);
    const budgetBefore = await env.kernel.res.budget('user:alice');
    const refused = await callError(alice.client, 'budget_set', { tokens: 1 });
    expect(refused).toMatchObject({ code: 'LLMOS_EPERM', message: expect.stringMatching(/your policy does not allow budget_set for "user:alice"/) });
    expect(await env.kernel.res.budget('user:alice')).toEqual(budgetBefore);
    expect((await callError(alice.client, 'model_register', { id: 'x', backend: 'openai', base_url: 'http://127.0.0.1:9/v1' })).code).toBe('LLMOS_EPERM');
    expect(env.kernel.models.all().map((m) => m.backend.info.id)).toEqual(['echo']);
    expect((await call(alice.client, 'budget_get')).account).toBe('user:alice'); // what is listed works
    await alice.client.close();
  });

  it('bob, with no policy, sees every tool but the admin-only ones; an admin policy_set shows at his next tools/list', async () => {
    const admin = env.kernel.syscalls.list().filter((s) => s.admin).map((s) => s.name);
    expect(admin).toContain('model_register');
    const bob = await toolNames(USERS.bob);
    expect(bob.names.sort()).toEqual(env.kernel.syscalls.list().map((s) => s.name).filter((n) => !admin.includes(n)).sort());
    expect((await callError(bob.client, 'model_register', { id: 'x', backend: 'openai', base_url: 'http://127.0.0.1:9/v1' })).code).toBe('LLMOS_EPERM');

    const root = await openAs(http.url, USERS.root);
    await call(root.client, 'policy_set', { pattern: 'user:bob', policy: { syscalls: ['kg_*', 'sys_info'] } });
    await root.client.close();
    const after = (await bob.client.listTools()).tools.map((t) => t.name);
    expect(after.sort()).toEqual(['policy_get', 'sys_info']);
    expect((await callError(bob.client, 'proc_spawn', { prompt: 'hi' })).code).toBe('LLMOS_EPERM');
    expect(env.kernel.procs.lastPid).toBe(0);
    await bob.client.close();
  });
});
