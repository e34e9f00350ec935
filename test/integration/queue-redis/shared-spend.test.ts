import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import modelCore from '../../../plugins/model-core/index.js';
import { queueRedis } from '../../../plugins/queue-redis/index.js';
import { clusterKeys } from '../../../plugins/queue-redis/keys.js';
import { RedisSpendLedger } from '../../../plugins/queue-redis/spend-ledger.js';
import type { Kernel } from '../../../src/kernel/kernel.js';
import { serveHttp } from '../../../src/mcp/http.js';
import { parseUserTokens } from '../../../src/mcp/http-guard.js';
import type { PolicyConfig } from '../../../src/core/policy.js';
import { echoPlugin } from '../../fixtures/echo-backend.js';
import { call, callRecord, testKernel } from '../../helpers/kernel.js';
import { openAs } from '../../unit/mcp/http-attack.js';
import { clusterNode, CountingEcho, freshPrefix, Gauge, waitExit } from './cluster-helpers.js';

/*
 * "0 overspend" across the nodes of a Redis cluster: every node here is a
 * real kernel with queue-redis on its OWN data dir (so nothing is shared
 * through SQLite), and all of them share one real redis-server started by the
 * test setup. The model is the echo test backend, as in the other budget and
 * cluster tests: its token usage is exact and repeatable (ceil(prompt/4) +
 * words), which is what lets each test compare spend to the sum of usage.
 */

const url = inject('redisUrl');
/** What each test started, stopped after it in reverse order. */
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (stops.length) await stops.pop()!();
});

async function node(prefix: string, name: string) {
  const n = await clusterNode(url, prefix, name, new CountingEcho(new Gauge(), { concurrency: 3 }, 5), 1);
  stops.push(n.stop);
  return n.kernel;
}

/** Spawns n tasks of `owner` on the node and waits for each (wherever in the cluster it ran). */
async function run(k: Kernel, owner: string, n: number) {
  const pids = Array.from({ length: n }, (_, i) => k.spawn({ prompt: `hello there ${i}`, max_tokens: 10 }, owner).pid);
  return Promise.all(pids.map((pid) => waitExit(k, pid, 20_000)));
}
const used = (p: { usage: { prompt_tokens: number; completion_tokens: number } }) => p.usage.prompt_tokens + p.usage.completion_tokens;

describe('queue-redis: one budget per account across the cluster', () => {
  it('two nodes on different data dirs racing one tight budget never overspend it, nor after both restart', async () => {
    const prefix = freshPrefix();
    const [a, b] = [await node(prefix, 'A'), await node(prefix, 'B')];
    await a.res.setBudget('user:r', { tokens: 100 });
    expect((await b.res.budget('user:r')).limit).toEqual({ tokens: 100 }); // the limit set on A holds on B

    const done = (await Promise.all([run(a, 'user:r', 15), run(b, 'user:r', 15)])).flat();
    const ok = done.filter((p) => p.exit === 'ok');
    const spent = (await a.res.budget('user:r')).spent.tokens;
    expect(ok.length).toBeGreaterThan(3);
    expect(done.filter((p) => p.error?.code === 'LLMOS_EBUDGET').length).toBe(30 - ok.length);
    expect(spent).toBe(ok.reduce((s, p) => s + used(p), 0)); // every charge landed, once
    expect(spent).toBeLessThanOrEqual(100);
    for (const k of [a, b]) expect(await k.res.budget('user:r')).toMatchObject({ spent: { tokens: spent }, reserved: { tokens: 0 } });

    while (stops.length) await stops.pop()!(); // both nodes stop; the next one has a fresh data dir
    const c = await node(prefix, 'A');
    expect(await c.res.budget('user:r')).toMatchObject({ limit: { tokens: 100 }, spent: { tokens: spent }, reserved: { tokens: 0 } });
    const after = await run(c, 'user:r', 10);
    expect(after.some((p) => p.error?.code === 'LLMOS_EBUDGET')).toBe(true);
    const total = (await c.res.budget('user:r')).spent.tokens;
    expect(total).toBe(spent + after.filter((p) => p.exit === 'ok').reduce((s, p) => s + used(p), 0));
    expect(total).toBeLessThanOrEqual(100);
  });

  it("a policy_set budget on one node holds on the other and after a restart", async () => {
    const prefix = freshPrefix();
    const [a, b] = [await node(prefix, 'A'), await node(prefix, 'B')];
    a.policy.set('user:p*', { budget: { tokens: 40, period: 'daily' } });
    await expect.poll(() => b.policy.resolve('user:pat').budget, { timeout: 5000 }).toEqual({ tokens: 40, period: 'daily' });
    const done = await run(b, 'user:pat', 8);
    expect(done.some((p) => p.error?.code === 'LLMOS_EBUDGET')).toBe(true);
    expect(await a.res.budget('user:pat')).toMatchObject({ period: 'daily', limit: { tokens: 40 }, spent: { tokens: done.filter((p) => p.exit === 'ok').reduce((s, p) => s + used(p), 0) } });

    while (stops.length) await stops.pop()!();
    const c = await node(prefix, 'C');
    expect(c.policy.resolve('user:pat').budget).toEqual({ tokens: 40, period: 'daily' });
    c.policy.set('user:p*', null); // null removes the entry, at once on the node that set it
    expect(c.policy.resolve('user:pat').budget).toBeUndefined();
  });

  it('two ledgers on separate connections racing 200 reservations admit exactly what fits, and a settle counts once', async () => {
    const keys = clusterKeys(freshPrefix());
    const conns = [new Redis(url), new Redis(url)];
    const [l1, l2] = conns.map((r, i) => new RedisSpendLedger(r, keys, `n${i}`, 30_000));
    try {
      const tries = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? l1 : l2).reserve('user:z', 'm:2030-01', { tokens: 1000, cost_usd: 0.5 }, { tokens: 7, cost_usd: 0.001 })));
      const held = tries.filter((r) => 'id' in r) as Array<{ id: string }>;
      expect(held.length).toBe(142); // 142 × 7 = 994 ≤ 1000 < 143 × 7
      expect(await l2.state('user:z', 'm:2030-01')).toEqual({ spent: { tokens: 0, cost_usd: 0 }, reserved: { tokens: 994, cost_usd: expect.closeTo(0.142, 9) } });
      await l1.settle(held[0].id, { tokens: 5, cost_usd: 0.0005 });
      await l2.settle(held[0].id, { tokens: 5, cost_usd: 0.0005 }); // a second settle of the same hold charges nothing
      expect(await l1.state('user:z', 'm:2030-01')).toMatchObject({ spent: { tokens: 5, cost_usd: 0.0005 }, reserved: { tokens: 987 } });
      expect((await l1.state('user:z', 'm:2030-02')).spent.tokens).toBe(0); // another period is another count
    } finally {
      await Promise.all(conns.map((r) => r.quit()));
    }
  });

  it("a node that dies holding a reservation does not eat the budget: its holds lapse after the lease", async () => {
    const keys = clusterKeys(freshPrefix());
    const conns = [new Redis(url), new Redis(url)];
    // `dead` never starts its heartbeat, so its liveness lapses one lease after its last reservation, like a SIGKILLed node.
    const [dead, alive] = conns.map((r, i) => new RedisSpendLedger(r, keys, `n${i}`, 1000));
    try {
      expect('id' in (await dead.reserve('user:y', 'lifetime', { tokens: 10 }, { tokens: 10, cost_usd: 0 }))).toBe(true);
      expect(await alive.reserve('user:y', 'lifetime', { tokens: 10 }, { tokens: 1, cost_usd: 0 })).toEqual({ refused: { spent: { tokens: 0, cost_usd: 0 }, reserved: { tokens: 10, cost_usd: 0 } } });
      await new Promise((r) => setTimeout(r, 1300));
      expect('id' in (await alive.reserve('user:y', 'lifetime', { tokens: 10 }, { tokens: 10, cost_usd: 0 }))).toBe(true);
    } finally {
      await Promise.all(conns.map((r) => r.quit()));
    }
  });
});

describe('queue-redis: reconnecting to another node buys no fresh budget (real Streamable HTTP)', () => {
  const USERS = parseUserTokens('alice:alice-token-1,bob:bob-token-22')!;
  const SHARED = 'shared-token-for-anonymous';
  const policy: PolicyConfig = { anonymous: { budget: { tokens: 60 } }, 'user:*': { budget: { tokens: 60 } } };

  async function served(prefix: string, name: string) {
    const { kernel, stop } = await testKernel({ admins: undefined, policy, inline: [queueRedis({ url, prefix, node: name, lock_duration_ms: 1000, stalled_interval_ms: 300 }), echoPlugin(), modelCore] });
    const http = await serveHttp(kernel, { host: '127.0.0.1', port: 0, token: SHARED, users: USERS });
    stops.push(stop, () => http.close());
    return http.url;
  }

  /** Spends the session's account until admission refuses; returns the refusal and how many calls ran. */
  async function spendAll(base: string, token: string) {
    const s = await openAs(base, token);
    let ok = 0;
    for (let i = 0; i < 20; i++) {
      const rec = await callRecord(s.client, 'proc_spawn', { prompt: 'hello there', max_tokens: 10, wait: true });
      if (rec.exit !== 'ok') {
        await s.client.close();
        return { ok, refused: rec.error };
      }
      ok++;
    }
    throw new Error('20 calls ran on a 60-token budget');
  }

  it('anonymous sessions share one account and alice keeps hers, whichever node they reconnect to; bob still has his own', async () => {
    const prefix = freshPrefix();
    const [nodeA, nodeB] = [await served(prefix, 'A'), await served(prefix, 'B')];
    for (const [token, account] of [[SHARED, 'anonymous'], [USERS.alice, 'user:alice']]) {
      const first = await spendAll(nodeA, token);
      expect(first.ok).toBeGreaterThan(0);
      expect(first.refused).toMatchObject({ code: 'LLMOS_EBUDGET' });
      const again = await openAs(nodeB, token); // a new session, on the other node
      const rec = await callRecord(again.client, 'proc_spawn', { prompt: 'hello there', max_tokens: 10, wait: true });
      expect(rec.error.code).toBe('LLMOS_EBUDGET');
      const b = await call(again.client, 'budget_get');
      expect(b).toMatchObject({ account, limit: { tokens: 60 }, reserved: { tokens: 0 } });
      expect(b.spent.tokens).toBeGreaterThan(0);
      expect(b.spent.tokens).toBeLessThanOrEqual(60);
      await again.client.close();
    }
    const bob = await openAs(nodeB, USERS.bob);
    expect((await callRecord(bob.client, 'proc_spawn', { prompt: 'hello there', max_tokens: 10, wait: true })).exit).toBe('ok');
    await bob.client.close();
  });
});
