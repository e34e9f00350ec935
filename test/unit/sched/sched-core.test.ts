import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boot } from '../../../src/boot.js';
import type { Kernel } from '../../../src/kernel/kernel.js';
import { EchoBackend, echoPlugin } from '../../fixtures/echo-backend.js';
import schedCore from '../../../plugins/sched-core/index.js';
import { SCHEDULERS_CONFIG } from '../../helpers/schedulers.js';

const ctx = { owner: 'tester', signal: new AbortController().signal, progress: () => {} };
let stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of stops) await s();
  stops = [];
});

async function start(concurrency = 1): Promise<Kernel> {
  const { kernel, stop } = await boot({
    config: SCHEDULERS_CONFIG,
    inline: [schedCore, echoPlugin([new EchoBackend('echo', { concurrency }, 0)])],
    dataDir: mkdtempSync(join(tmpdir(), 'llmos-sched-')),
    admins: ['*'], // sched_set is an admin syscall; the caller here is the operator
  });
  kernel.setAllocator('first');
  stops.push(async () => {
    for (const p of kernel.procs.scan()) if (p.state !== 'exited') kernel.kill(p.pid);
    await stop();
  });
  return kernel;
}
const call = (k: Kernel, name: string, input: unknown) => k.syscalls.dispatch(name, input, ctx);

describe('sched-core syscalls', () => {
  it('sched_set switches at runtime without losing queued processes, keeping arrival order', async () => {
    const k = await start(1);
    expect((await call(k, 'sched_get', {})).active).toBe('fcfs');
    const hang = await call(k, 'proc_spawn', { prompt: 'hang' }); // holds the only slot
    const queued: number[] = [];
    for (let i = 0; i < 5; i++) queued.push(((await call(k, 'proc_spawn', { prompt: `job ${i}`, priority: 9 - i })) as { pid: number }).pid);
    await new Promise((r) => setTimeout(r, 10));
    const set = await call(k, 'sched_set', { name: 'priority' });
    expect(set).toMatchObject({ active: 'priority', previous: 'fcfs', moved: 5 });
    const got = await call(k, 'sched_get', {});
    expect(got.active).toBe('priority');
    expect(got.queued).toBe(5);
    expect(got.available).toEqual(expect.arrayContaining(['fcfs', 'sjf', 'priority', 'hrrn', 'fair']));
    // Back to fcfs: the drain hands processes over in arrival order.
    await call(k, 'sched_set', { name: 'fcfs' });
    expect(k.schedulers.active().drain().map((p) => p.pid)).toEqual(queued);
    await expect(call(k, 'sched_set', { name: 'lottery' })).rejects.toMatchObject({ code: 'LLMOS_EINVAL' });
    expect(hang).toBeDefined();
  });

  it('sched_stats reports per-class percentiles, throughput, utilisation and a Little cross-check', async () => {
    const k = await start(2);
    const pids: number[] = [];
    for (let i = 0; i < 20; i++) pids.push(((await call(k, 'proc_spawn', { prompt: `one two three ${i}`, priority: i % 2 ? 1 : 7 })) as { pid: number }).pid);
    for (const pid of pids) await k.procs.wait(pid, 10_000);
    const s = (await call(k, 'sched_stats', {})) as any;
    expect(s.scheduler).toBe('fcfs');
    expect(s.completed).toBe(20);
    expect(Object.keys(s.classes).sort()).toEqual(['1', '7']);
    expect(s.classes['1'].completed).toBe(10);
    expect(s.classes['7'].wait.p99_ms).toBeGreaterThanOrEqual(s.classes['7'].wait.p50_ms);
    expect(s.throughput_per_s).toBeGreaterThan(0);
    expect(s.utilization.echo).toBeGreaterThan(0);
    expect(s.utilization.echo).toBeLessThanOrEqual(1);
    expect(s.queued.total).toBe(0);
    // Everything left the system, so L = λW up to timer granularity.
    expect(s.little.in_system).toBe(0);
    expect(s.little.l).toBeCloseTo(s.little.lambda_w, 1);
  });

  it('capacity_plan answers M/M/c and names bad fields', async () => {
    const k = await start();
    const r = (await call(k, 'capacity_plan', { arrival_rate: 8, service_rate: 1, servers: 10 })) as any;
    expect(r.erlang_c).toBeCloseTo(0.40918, 4);
    expect(r.stable).toBe(true);
    const t = (await call(k, 'capacity_plan', { arrival_rate: 8, service_rate: 1, target_wait: 0.05 })) as any;
    expect(t.servers_needed).toBe(12);
    const u = (await call(k, 'capacity_plan', { arrival_rate: 8, service_rate: 1, servers: 8 })) as any;
    expect(u.stable).toBe(false);
    expect(u.message).toMatch(/unstable/);
    expect(u.wq).toBeNull();
    await expect(call(k, 'capacity_plan', { arrival_rate: 0, service_rate: 1, servers: 2 })).rejects.toThrow(/arrival_rate/);
    await expect(call(k, 'capacity_plan', { arrival_rate: 1, service_rate: -2, servers: 2 })).rejects.toThrow(/service_rate/);
    await expect(call(k, 'capacity_plan', { arrival_rate: 1, service_rate: 2, servers: 1.5 })).rejects.toThrow(/servers/);
    await expect(call(k, 'capacity_plan', { arrival_rate: 1, service_rate: 2 })).rejects.toMatchObject({ code: 'LLMOS_EINVAL' });
  });

  it('capacity_plan bounds the work a call can ask for: huge λ/μ or c are answered, never allocated', async () => {
    const k = await start();
    const heap0 = process.memoryUsage().heapUsed;
    // Once killed the server with a V8 out-of-memory error: arrays were sized by λ/μ and by c.
    const u = (await call(k, 'capacity_plan', { arrival_rate: 1e9, service_rate: 1, servers: 2 })) as any;
    expect(u.stable).toBe(false);
    expect(u.servers_needed).toBeNull();
    await expect(call(k, 'capacity_plan', { arrival_rate: 1e9, service_rate: 1, target_wait: 1 })).rejects.toMatchObject({ code: 'LLMOS_EINVAL', message: expect.stringMatching(/100,000/) });
    await expect(call(k, 'capacity_plan', { arrival_rate: 1, service_rate: 1, servers: 1e9 })).rejects.toMatchObject({ code: 'LLMOS_EINVAL', message: expect.stringMatching(/servers/) });
    // The largest allowed c still answers, in O(c) time and O(1) memory.
    const big = (await call(k, 'capacity_plan', { arrival_rate: 99_000, service_rate: 1, servers: 100_000, max_n: 1000 })) as any;
    expect(big.stable).toBe(true);
    expect(big.pn).toHaveLength(1001);
    expect(process.memoryUsage().heapUsed - heap0).toBeLessThan(64 * 1024 * 1024);
    expect(((await call(k, 'sys_info', {})) as any).version).toBeTypeOf('string');
  });
});
