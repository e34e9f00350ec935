import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { queueRedis } from '../../../plugins/queue-redis/index.js';
import { echoPlugin } from '../../fixtures/echo-backend.js';
import { call, connect, testKernel } from '../../helpers/kernel.js';
import { clusterNode, CountingEcho, eventually, expectEchoed, fastRecovery, freshPrefix, Gauge, shared, waitExit } from './cluster-helpers.js';

const url = inject('redisUrl');
let redis: Redis;
const stops: Array<() => Promise<void>> = [];

beforeAll(async () => {
  redis = new Redis(url, { maxRetriesPerRequest: 1 });
  await redis.ping();
});
afterEach(async () => {
  while (stops.length) await stops.pop()!();
});
afterAll(async () => {
  await redis.quit();
});

async function node(prefix: string, name: string, backend: CountingEcho, nodeSlots?: number) {
  const n = await clusterNode(url, prefix, name, backend, nodeSlots);
  stops.push(n.stop);
  return n;
}

describe('queue-redis: two nodes, one run queue and one process table', () => {
  it('shares work, hands out cluster-unique pids, and shows every process on every node', async () => {
    const prefix = freshPrefix();
    const gauge = new Gauge();
    // node_slots 1: each node holds one of the model's two cluster slots, so both must take work.
    const a = await node(prefix, 'A', new CountingEcho(gauge, { concurrency: 2 }, 15), 1);
    const b = await node(prefix, 'B', new CountingEcho(gauge, { concurrency: 2 }, 15), 1);

    const spawned = Array.from({ length: 16 }, (_, i) => {
      const on = i % 2 ? b : a;
      const prompt = `task ${i} from ${i % 2 ? 'B' : 'A'}`;
      return { on, prompt, pid: on.kernel.spawn({ prompt }, 'tester').pid };
    });
    expect(new Set(spawned.map((s) => s.pid)).size).toBe(16);

    for (const s of spawned) expectEchoed(await waitExit(s.on.kernel, s.pid), s.prompt);
    // Each process ran exactly once, and both nodes took work.
    expect(a.backend.completed.length + b.backend.completed.length).toBe(16);
    expect(a.backend.completed.length).toBeGreaterThanOrEqual(3);
    expect(b.backend.completed.length).toBeGreaterThanOrEqual(3);

    // Every node sees every process with the same result, through the real proc_* syscalls.
    for (const n of [a, b]) {
      for (const s of spawned) expectEchoed(await waitExit(n.kernel, s.pid), s.prompt);
      const { client, close } = await connect(n.kernel);
      const listed = await call(client, 'proc_list', { limit: 100 });
      expect(listed.procs.map((p: { pid: number }) => p.pid)).toEqual(spawned.map((s) => s.pid).sort((x, y) => x - y));
      const one = await call(client, 'proc_get', { pid: spawned[3].pid });
      expect(one.result.text).toBe(`echo: ${spawned[3].prompt}`);
      await close();
    }
    for (const s of spawned) expect((await shared(redis, prefix, s.pid)).state).toBe('exited');

    // proc_wait on B for a process spawned on A returns its result, wherever it ran.
    const late = a.kernel.spawn({ prompt: 'late one' }, 'tester');
    await eventually('the replica on B', () => b.kernel.procs.get(late.pid));
    const { client, close } = await connect(b.kernel);
    expect((await call(client, 'proc_wait', { pid: late.pid, timeout_ms: 10_000 })).result.text).toBe('echo: late one');
    await close();
  });

  it('keeps pids unique across pid blocks, and refuses a spawn rather than reuse a pid', async () => {
    const prefix = freshPrefix();
    const gauge = new Gauge();
    const nodes = await Promise.all(['A', 'B'].map(async (name) => {
      const { kernel, stop } = await testKernel({ inline: [queueRedis({ url, prefix, node: name, pid_block: 4, ...fastRecovery }), echoPlugin([new CountingEcho(gauge)])] });
      stops.push(stop);
      return kernel;
    }));
    const pids: number[] = [];
    for (let i = 0; i < 20; i++) {
      pids.push(nodes[i % 2].spawn({ prompt: `p ${i}` }, 't').pid);
      await new Promise((r) => setTimeout(r, 5)); // lets the next block arrive
    }
    expect(new Set(pids).size).toBe(20);
    // A burst larger than a block outruns the lease: LLMOS_EUNAVAILABLE, never a reused pid.
    const burst: number[] = [];
    const err = (() => {
      try {
        for (let i = 0; i < 20; i++) burst.push(nodes[0].spawn({ prompt: `burst ${i}` }, 't').pid);
      } catch (e) {
        return e as { code: string };
      }
    })();
    expect(err?.code).toBe('LLMOS_EUNAVAILABLE');
    expect(new Set([...pids, ...burst]).size).toBe(pids.length + burst.length);
    for (const pid of [...pids, ...burst]) expect((await waitExit(nodes[0], pid)).exit).toBe('ok');
  });

  it('holds a model\'s rpm cluster-wide: rpm=2 on two nodes runs 2 calls a minute in all', async () => {
    const prefix = freshPrefix();
    const gauge = new Gauge();
    const a = await node(prefix, 'A', new CountingEcho(gauge, { concurrency: 2, limits: { rpm: 2 } }, 5));
    const b = await node(prefix, 'B', new CountingEcho(gauge, { concurrency: 2, limits: { rpm: 2 } }, 5));
    // Each node's own limiter would let it run 2 (4 in all); the BullMQ global limiter allows 2.
    const spawned = [a, b, a, b].map((n, i) => ({ n, p: n.kernel.spawn({ prompt: `rate ${i}` }, 't') }));
    await eventually('two calls done', () => a.backend.completed.length + b.backend.completed.length === 2);
    await new Promise((r) => setTimeout(r, 700));
    expect(a.backend.completed.length + b.backend.completed.length).toBe(2);
    const held = spawned.filter(({ p }) => p.state !== 'exited');
    expect(held).toHaveLength(2);
    for (const { n, p } of held) {
      expect(p.attempts).toHaveLength(0); // held in Redis, not blocked inside a node
      n.kernel.kill(p.pid);
      expect((await waitExit(n.kernel, p.pid)).exit).toBe('killed');
    }
  });

  it('holds a model\'s slots cluster-wide: slots=2 on two nodes means at most 2 calls in flight in all', async () => {
    const prefix = freshPrefix();
    const gauge = new Gauge();
    // Each node alone would run 2 at once (4 in all); the BullMQ global concurrency caps the sum.
    const a = await node(prefix, 'A', new CountingEcho(gauge, { concurrency: 2 }, 10));
    const b = await node(prefix, 'B', new CountingEcho(gauge, { concurrency: 2 }, 10));
    const spawned = Array.from({ length: 20 }, (_, i) => {
      const on = i % 2 ? b : a;
      return { on, pid: on.kernel.spawn({ prompt: `slot test ${i}` }, 'tester').pid };
    });
    for (const s of spawned) expect((await waitExit(s.on.kernel, s.pid)).exit).toBe('ok');
    expect(a.backend.completed.length + b.backend.completed.length).toBe(20);
    expect(gauge.max).toBe(2);
  });

  it('runs a high-priority process queued behind low ones first', async () => {
    const prefix = freshPrefix();
    const gauge = new Gauge();
    const a = await node(prefix, 'A', new CountingEcho(gauge, { concurrency: 1 }, 40));
    const k = a.kernel;
    const blocker = k.spawn({ prompt: 'blocker one two three four' }, 't');
    await eventually('the blocker to run', () => k.procs.get(blocker.pid)?.state === 'running');
    const low = [1, 2, 3, 4].map((i) => k.spawn({ prompt: `low ${i}`, priority: 9 }, 't'));
    const high = k.spawn({ prompt: 'high', priority: 0 }, 't');
    await eventually('every job in Redis', async () => {
      const q = await redis.keys(`${prefix}:bull:*:prioritized`);
      return q.length === 1 && (await redis.zcard(q[0])) === 5;
    });
    for (const p of [blocker, ...low, high]) await waitExit(k, p.pid);
    expect(a.backend.completed).toEqual(['blocker one two three four', 'high', 'low 1', 'low 2', 'low 3', 'low 4']);
  });

  it("runs a process only on models its owner may use: another session's private model is no candidate", async () => {
    const prefix = freshPrefix();
    const a = await node(prefix, 'A', new CountingEcho(new Gauge(), { owner: 'alice' }));
    const theirs = await waitExit(a.kernel, a.kernel.spawn({ prompt: 'not yours' }, 'bob').pid);
    expect(theirs.exit).toBe('failed');
    expect(theirs.error?.code).toBe('LLMOS_ENOMODEL');
    expect(a.backend.completed).toEqual([]);
    expectEchoed(await waitExit(a.kernel, a.kernel.spawn({ prompt: 'mine' }, 'alice').pid), 'mine');
  });

  it('kills a process across nodes: killed on one node, stopped on the node that runs it', async () => {
    const prefix = freshPrefix();
    const gauge = new Gauge();
    const a = await node(prefix, 'A', new CountingEcho(gauge, { concurrency: 1 }, 10));
    const b = await node(prefix, 'B', new CountingEcho(gauge, { concurrency: 1 }, 10));
    const p = a.kernel.spawn({ prompt: 'hang until killed' }, 't');
    const runner = await eventually('the hang to run', async () => {
      const s = await shared(redis, prefix, p.pid);
      return s.state === 'running' && s.node;
    });
    const killer = runner === 'A' ? b : a;
    await eventually('the killer to see it running', () => killer.kernel.procs.get(p.pid)?.state === 'running');
    killer.kernel.kill(p.pid);
    for (const n of [a, b]) expect((await waitExit(n.kernel, p.pid)).exit).toBe('killed');
    expect((await shared(redis, prefix, p.pid)).rec.exit).toBe('killed');
  });
});
