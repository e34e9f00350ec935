import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { call, connect } from '../../helpers/kernel.js';
import { clusterNode, CountingEcho, eventually, expectEchoed, freshPrefix, Gauge, shared, waitExit } from './cluster-helpers.js';

const url = inject('redisUrl');
const nodeScript = fileURLToPath(new URL('../../fixtures/queue-redis-node.mjs', import.meta.url));
const builtPlugin = fileURLToPath(new URL('../../../dist/plugins/queue-redis/index.js', import.meta.url));
let redis: Redis;

beforeAll(async () => {
  redis = new Redis(url, { maxRetriesPerRequest: 1 });
});
afterAll(async () => {
  await redis.quit();
});

/** Starts node B as its own OS process; resolves once it serves, with the prompts of the calls it starts. */
async function startNodeB(prefix: string, delayMsPerWord: number): Promise<{ child: ChildProcess; calls: string[]; log: () => string }> {
  if (!existsSync(builtPlugin)) throw new Error(`${builtPlugin} is missing: run \`npm run build\` first (the child node runs the compiled plugin).`);
  const child = spawn(process.execPath, [nodeScript, url, prefix, 'B', String(delayMsPerWord)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const calls: string[] = [];
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const lines = out.split('\n');
      out = lines.pop()!;
      for (const l of lines) {
        if (l === 'ready') resolve();
        else if (l.startsWith('call ')) calls.push(l.slice(5));
      }
    });
    child.once('exit', (code, sig) => reject(new Error(`node B exited before it was ready (code ${code}, signal ${sig}):\n${err}`)));
  });
  await ready;
  return { child, calls, log: () => err };
}

it('node B is SIGKILLed mid-run: its processes finish on node A, none lost, none run to completion twice', async () => {
  const t0 = Date.now();
  const prefix = freshPrefix();
  // A holds one of the model's two cluster slots, so B gets the other.
  const a = await clusterNode(url, prefix, 'A', new CountingEcho(new Gauge(), { concurrency: 2 }, 30), 1);
  const b = await startNodeB(prefix, 250);
  try {
    const prompts = Array.from({ length: 12 }, (_, i) => `job ${i} alpha beta gamma`);
    const pids = prompts.map((prompt) => a.kernel.spawn({ prompt }, 'tester').pid);
    await eventually('node B to start a call', () => b.calls.length >= 1);
    const killedAt = Date.now();
    b.child.kill('SIGKILL');
    const startedOnB = [...b.calls];

    for (const [i, pid] of pids.entries()) expectEchoed(await waitExit(a.kernel, pid, 20_000), prompts[i]);
    const recoveredMs = Date.now() - killedAt;

    const finalNode = await Promise.all(pids.map(async (pid) => (await shared(redis, prefix, pid)).node));
    const doneOnB = finalNode.filter((n) => n === 'B').length;
    // Every process has one result, and A re-ran exactly those B had not finished: no completion twice.
    expect(a.backend.completed.length + doneOnB).toBe(12);
    // The calls cut off on B ran again on A: at-least-once, with the attempt count raised.
    const cutOff = startedOnB.map((prompt) => prompts.indexOf(prompt)).filter((i) => finalNode[i] !== 'B');
    expect(cutOff.length).toBeGreaterThan(0);
    for (const i of cutOff) {
      expect(finalNode[i]).toBe('A');
      expect(a.backend.completed).toContain(prompts[i]);
      expect(a.kernel.procs.get(pids[i])!.attempts.length).toBeGreaterThanOrEqual(2);
    }
    for (const pid of pids) expect((await shared(redis, prefix, pid)).rec.exit).toBe('ok');
    // Nothing left in the model's queue, nothing failed (cluster_status over a real MCP client).
    const { client, close } = await connect(a.kernel);
    const status = await call(client, 'cluster_status');
    expect(status.node).toBe('A');
    expect(status.models.echo).toEqual({ wait: 0, prioritized: 0, active: 0, delayed: 0, failed: 0 });
    await close();
    console.log(`node death: ${startedOnB.length} calls were in flight on B, ${doneOnB} finished there; all 12 done ${recoveredMs} ms after the kill; test ${Date.now() - t0} ms`);
  } finally {
    b.child.kill('SIGKILL');
    await a.stop();
  }
});
