import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fcfs from '../../../plugins/sched-fcfs/index.js';
import obsMetrics, { LabelCap } from '../../../plugins/obs-metrics/index.js';
import { kernelApi } from '../../../src/kernel/api.js';
import { serveHttp } from '../../../src/mcp/http.js';
import type { KernelApi } from '../../../src/plugin-api/index.js';
import { EchoBackend, echoPlugin } from '../../fixtures/echo-backend.js';
import { testKernel } from '../../helpers/kernel.js';

const METRICS_TOKEN = 'scrape-token-123';
const ctx = (owner: string) => ({ owner, signal: new AbortController().signal, progress: () => {} });

/** The value of one sample line, e.g. sample(text, 'llmos_processes{state="exited"}'). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('obs-metrics: Prometheus /metrics on the HTTP transport', () => {
  let booted: Awaited<ReturnType<typeof testKernel>>;
  let http: Awaited<ReturnType<typeof serveHttp>>;
  let api: KernelApi;
  const scrape = (token: string) => fetch(`${http.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    booted = await testKernel({ inline: [fcfs, echoPlugin([new EchoBackend('echo', {}, 2), new EchoBackend('echo2', {}, 2)]), obsMetrics], admins: ['user:root'] });
    api = kernelApi(booted.kernel);
    http = await serveHttp(booted.kernel, { host: '127.0.0.1', port: 0, users: { root: 'root-token-1', alice: 'alice-token-1' }, pathTokens: { '/metrics': METRICS_TOKEN } });
    api.setBudget('user:alice', { cost_usd: 1, tokens: 10_000 });
    const streamed = api.spawn({ prompt: 'one two three four' }, 'user:alice');
    const unwatch = api.watch(streamed.pid, () => {}); // someone watches tokens: the call streams, so it has a first token
    await api.wait(streamed.pid, 10_000);
    unwatch();
    await api.wait(api.spawn({ prompt: 'plain call' }, 'user:bob').pid, 10_000);
    await api.wait(api.spawn({ prompt: 'fail: always' }, 'user:alice').pid, 20_000);
    await api.syscall('proc_list', {}, ctx('user:root'));
    await api.syscall('proc_kill', { pid: 999_999 }, ctx('user:root')).catch(() => {});
  });
  afterAll(async () => {
    await http.close();
    await booted.stop();
  });

  it('serves GenAI-named call metrics, tokens, cost, errors, retries and queue wait to the metrics token', async () => {
    const res = await scrape(METRICS_TOKEN);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(sample(text, 'llmos_processes{state="exited"}')).toBe(3);
    expect(sample(text, 'llmos_process_exits_total{status="ok"}')).toBe(2);
    expect(sample(text, 'llmos_errors_total{code="LLMOS_EUPSTREAM"}')).toBe(1);
    expect(sample(text, 'gen_ai_client_operation_duration_seconds_count{gen_ai_operation_name="chat",gen_ai_request_model="echo",error_type=""}')).toBe(2);
    expect(text).toMatch(/gen_ai_client_operation_duration_seconds_count\{[^}]*error_type="LLMOS_EUPSTREAM"\} [1-9]/);
    expect(sample(text, 'gen_ai_server_time_to_first_token_seconds_count{gen_ai_request_model="echo"}')).toBe(1); // only the streamed call
    expect(sample(text, 'gen_ai_client_token_usage_sum{gen_ai_operation_name="chat",gen_ai_request_model="echo",gen_ai_token_type="output"}')).toBe(5 + 3);
    expect(sample(text, 'llmos_cost_usd_total{model="echo",owner="user:alice"}')).toBeGreaterThan(0);
    expect(Number(/llmos_retries_total\{model="[^"]+"\} (\d+)/.exec(text)?.[1])).toBeGreaterThan(0);
    expect(text).toMatch(/^llmos_fallbacks_total\{from_model="(echo|echo2)",to_model="(echo|echo2)"\} [1-9]/m); // "fail: always" fails on both models
    expect(sample(text, 'llmos_queue_wait_seconds_count{class="4"}')).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'llmos_allocations_total{allocator="first",model="echo"}')).toBeGreaterThanOrEqual(2);
  });

  it('serves slots, circuits, queue depth, budgets and syscall latency read at scrape time', async () => {
    const text = await (await scrape('root-token-1')).text(); // an admin's own token works too
    expect(sample(text, 'llmos_model_slots{model="echo"}')).toBe(2);
    expect(sample(text, 'llmos_model_slots_in_use{model="echo"}')).toBe(0);
    expect(sample(text, 'llmos_model_circuit_open{model="echo2"}')).toBeTypeOf('number');
    expect(sample(text, 'llmos_queue_depth{class="4"}')).toBe(0);
    const left = sample(text, 'llmos_budget_remaining_usd{owner="user:alice"}')!;
    expect(left).toBeGreaterThan(0.99);
    expect(left).toBeLessThan(1);
    expect(sample(text, 'llmos_budget_remaining_usd{owner="user:bob"}')).toBeUndefined(); // no cost limit, no remaining
    expect(sample(text, 'llmos_syscall_duration_seconds_count{syscall="proc_list",outcome="ok"}')).toBe(1);
    expect(sample(text, 'llmos_syscall_duration_seconds_count{syscall="proc_kill",outcome="LLMOS_ENOPROC"}')).toBe(1);
  });

  it('refuses a non-admin user (403) and the metrics token anywhere but /metrics (401)', async () => {
    const res = await scrape('alice-token-1');
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('LLMOS_EPERM');
    const mcp = await fetch(`${http.url}/mcp`, { method: 'POST', headers: { authorization: `Bearer ${METRICS_TOKEN}`, 'content-type': 'application/json' }, body: '{}' });
    expect(mcp.status).toBe(401);
    expect((await scrape('wrong-token-xyz')).status).toBe(401);
  });

  it('caps label values so invented owners cannot grow the registry', () => {
    const cap = new LabelCap(2);
    expect([cap.of('a'), cap.of('b'), cap.of('c'), cap.of('a')]).toEqual(['a', 'b', 'other', 'a']);
    expect([...cap.values()]).toEqual(['a', 'b']);
  });
});
