import { afterEach, describe, expect, it } from 'vitest';
import { EchoBackend } from '../../fixtures/echo-backend.js';
import { call, callError, connect, testKernel } from '../../helpers/kernel.js';
import type { PolicyConfig } from '../../../src/core/policy.js';

const POLICY: PolicyConfig = {
  'user:*': { syscalls: ['proc_*', 'budget_get'], models: ['echo'], max_queued: 2 },
  'user:carol': { rpm: 2 },
  'user:dan': { tpm: 40 },
};

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

/** A kernel with one slot (a "hang" prompt holds it), users under POLICY, and only stdio an admin. */
async function setup(backends = [new EchoBackend('echo', { concurrency: 1 }), new EchoBackend('pricey')]) {
  const booted = await testKernel({ admins: ['stdio'], policy: POLICY, backends });
  cleanup.push(booted.stop);
  const as = async (owner: string) => {
    const c = await connect(booted.kernel, owner);
    cleanup.push(c.close);
    return c.client;
  };
  return { kernel: booted.kernel, as };
}

describe('per-user policy, tried by hostile clients', () => {
  it('refuses syscalls and models the policy does not list, and nothing changes', async () => {
    const { kernel, as } = await setup();
    const bob = await as('user:bob');
    const before = kernel.models.all().length;
    expect(await callError(bob, 'sys_info')).toMatchObject({ code: 'LLMOS_EPERM', message: expect.stringMatching(/policy does not allow sys_info/) });
    expect((await callError(bob, 'proc_spawn', { prompt: 'x', model: 'pricey' })).code).toBe('LLMOS_EPERM');
    expect([...kernel.procs.scan()]).toHaveLength(0);
    expect(kernel.models.all()).toHaveLength(before);
    // "auto" chooses among the allowed models only.
    const rec = await call(bob, 'proc_spawn', { prompt: 'hi', wait: true });
    expect(rec.model).toBe('echo');
  });

  it('lets a user read its own policy, not others\', and only admins change it', async () => {
    const { as } = await setup();
    const bob = await as('user:bob');
    const mine = await call(bob, 'policy_get');
    expect(mine).toMatchObject({ owner: 'user:bob', account: 'user:bob', admin: false, patterns: ['user:*'], max_queued: 2, policy: { models: ['echo'] } });
    expect((await callError(bob, 'policy_get', { owner: 'user:carol' })).code).toBe('LLMOS_EPERM');
    expect((await callError(bob, 'policy_set', { pattern: 'user:bob', policy: { syscalls: ['*'] } })).code).toBe('LLMOS_EPERM');
    expect(await call(bob, 'policy_get')).toEqual(mine);
    const admin = await as('stdio');
    await call(admin, 'policy_set', { pattern: 'user:bob', policy: { models: ['pricey'] } });
    expect((await call(bob, 'policy_get')).policy).toMatchObject({ models: ['pricey'], syscalls: ['proc_*', 'budget_get'] });
    expect((await call(bob, 'proc_spawn', { prompt: 'hi', wait: true })).model).toBe('pricey');
  });

  it('gives each user a share of the run queue: bob filling his cannot lock alice out', async () => {
    const { kernel, as } = await setup([new EchoBackend('echo', { concurrency: 1 })]);
    const [bob, alice] = [await as('user:bob'), await as('user:alice')];
    await call(bob, 'proc_spawn', { prompt: 'hang' }); // holds the one slot
    await expect.poll(() => kernel.procs.counts().running + kernel.procs.counts().blocked).toBe(1);
    await call(bob, 'proc_spawn', { prompt: 'a' });
    await call(bob, 'proc_spawn', { prompt: 'b' });
    const refused = await callError(bob, 'proc_spawn', { prompt: 'c' });
    expect(refused).toMatchObject({ code: 'LLMOS_EQUEUEFULL', message: expect.stringMatching(/"user:bob" has 2 processes queued, its share of 2/) });
    expect(kernel.readyQueue().size()).toBe(2);
    expect((await call(alice, 'proc_spawn', { prompt: 'mine' })).pid).toBeGreaterThan(0);
    expect(kernel.readyQueue().size()).toBe(3);
    for (const p of kernel.procs.scan()) if (p.state !== 'exited') kernel.kill(p.pid);
  });

  it('refuses spawns over the policy\'s rpm with a retry hint', async () => {
    const { kernel, as } = await setup();
    const carol = await as('user:carol');
    await call(carol, 'proc_spawn', { prompt: '1' });
    await call(carol, 'proc_spawn', { prompt: '2' });
    const r = await carol.callTool({ name: 'proc_spawn', arguments: { prompt: '3' } });
    expect(r.isError).toBe(true);
    expect((r._meta as Record<string, { code: string; data: { retry_after_ms: number } }>)['llmos/error']).toMatchObject({ code: 'LLMOS_ERATELIMIT' });
    expect([...kernel.procs.scan()]).toHaveLength(2);
  });

  it("holds a call over the policy's tpm back until the minute has room; other users' calls run meanwhile", async () => {
    const { kernel } = await setup([new EchoBackend('echo', { concurrency: 4 })]);
    const task = { prompt: 'hello there', max_tokens: 20 }; // ~3 prompt tokens + 20: one call fits 40 tokens a minute, two do not
    const first = await kernel.procs.wait(kernel.spawn(task, 'user:dan').pid, 10_000);
    expect(first.exit).toBe('ok');
    const second = kernel.spawn(task, 'user:dan');
    const other = await kernel.procs.wait(kernel.spawn(task, 'user:erin').pid, 10_000);
    expect(other.exit).toBe('ok');
    expect(second.state).toBe('blocked'); // waiting for its minute, not refused
    expect(second.usage.completion_tokens).toBe(0);
    kernel.kill(second.pid);
    expect((await kernel.procs.wait(second.pid, 5000)).exit).toBe('killed');
  });

  it('refuses a bad policy at start with the field named', async () => {
    await expect(testKernel({ policy: { 'user:*': { rpm: -1 } } as PolicyConfig })).rejects.toMatchObject({ code: 'LLMOS_EINVAL', message: expect.stringMatching(/user:\*.*rpm/) });
  });
});
