import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { expect } from 'vitest';
import { queueRedis } from '../../../plugins/queue-redis/index.js';
import { plainText, type ModelBackend, type ModelInfo, type Process } from '../../../src/plugin-api/index.js';
import type { Kernel } from '../../../src/kernel/kernel.js';
import { EchoBackend, echoPlugin } from '../../fixtures/echo-backend.js';
import { testKernel } from '../../helpers/kernel.js';

/** Calls in flight, counted across every node of a test (they share this process). */
export class Gauge {
  now = 0;
  max = 0;
  enter(): void {
    this.max = Math.max(this.max, ++this.now);
  }
  leave(): void {
    this.now--;
  }
}

/** The echo test backend, counting completed calls and calls in flight cluster-wide. */
export class CountingEcho extends EchoBackend {
  readonly completed: string[] = [];
  constructor(
    private readonly gauge: Gauge,
    over: Partial<ModelInfo> = {},
    delayMs = 20,
  ) {
    super('echo', over, delayMs);
  }
  override async complete(...args: Parameters<ModelBackend['complete']>) {
    this.gauge.enter();
    try {
      const out = await super.complete(...args);
      this.completed.push(plainText(args[0].messages.at(-1)!.content));
      return out;
    } finally {
      this.gauge.leave();
    }
  }
}

/** Fast failure detection, so a dead node's jobs come back within about a second. */
export const fastRecovery = { lock_duration_ms: 1000, stalled_interval_ms: 300, close_grace_ms: 2000 };

/** A fresh key prefix: each test is its own cluster on the shared Redis. */
export const freshPrefix = () => `llmos-test-${randomBytes(4).toString('hex')}`;

/** Boots one in-process cluster node. */
export async function clusterNode<B extends EchoBackend>(url: string, prefix: string, node: string, backend: B, nodeSlots?: number) {
  const { kernel, stop } = await testKernel({ inline: [queueRedis({ url, prefix, node, node_slots: nodeSlots, ...fastRecovery }), echoPlugin([backend])] });
  return { kernel, stop, backend };
}

/** Polls until `check` returns a value (not undefined/false) or fails after timeoutMs. */
export async function eventually<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits until the process exits in this node's table (a replica appears once the feed brings it). */
export async function waitExit(k: Kernel, pid: number, timeoutMs = 15_000): Promise<Process> {
  const p = await eventually(`pid ${pid} on this node`, () => k.procs.get(pid), timeoutMs);
  return k.procs.wait(p.pid, timeoutMs);
}

/** The shared (Redis) copy of a process. */
export async function shared(redis: Redis, prefix: string, pid: number) {
  const h = await redis.hgetall(`${prefix}:proc:${pid}`);
  return { state: h.state, node: h.node, rec: h.rec ? JSON.parse(h.rec) : undefined };
}

export function expectEchoed(p: Process, prompt: string): void {
  expect(p.exit, `pid ${p.pid}: ${JSON.stringify(p.error)}`).toBe('ok');
  expect(p.result?.text).toBe(`echo: ${prompt}`);
}
