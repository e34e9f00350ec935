import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kernelApi } from '../../../src/kernel/api.js';
import { serveHttp } from '../../../src/mcp/http.js';
import { bootConsoleKernel, mcpAs } from '../console/server.js';

const USERS = { root: 'root-token-123', alice: 'alice-token-123' };
const METRICS_TOKEN = 'scrape-token-456';
const PRICING = { input_per_1k: 0.5, output_per_1k: 1.5 };

/** The value of one sample line, e.g. sample(text, 'llmos_processes{state="exited"}'). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/**
 * Every series issue #18 names, scraped from /metrics (with LLMOS_METRICS_TOKEN)
 * after real work: calls to the real llama.cpp server through model-openai,
 * a kill, knowledge-graph syscalls over MCP, a budget.
 */
describe('obs-metrics after real work on the llama.cpp server', () => {
  let booted: Awaited<ReturnType<typeof bootConsoleKernel>>;
  let http: Awaited<ReturnType<typeof serveHttp>>;
  let alice: Client;
  let text: string;
  const completions: number[] = [];

  beforeAll(async () => {
    booted = await bootConsoleKernel(inject('llamaBaseURL'), (upstream) => ({
      'model-openai': { base_url: inject('llamaBaseURL'), api_key_env: 'LLMOS_TEST_NO_KEY', models: [{ id: 'smollm2', model: upstream, context_window: 4096, max_output_tokens: 2048, concurrency: 1, pricing: PRICING }] },
      'obs-metrics': {},
    }));
    http = await serveHttp(booted.kernel, { host: '127.0.0.1', port: 0, users: USERS, pathTokens: { '/metrics': METRICS_TOKEN } });
    alice = await mcpAs(http.url, USERS.alice);
    const api = kernelApi(booted.kernel);
    await api.setBudget('user:alice', { cost_usd: 5 });
    for (const prompt of ['Say hi.', 'Name a colour.']) {
      const { pid } = (await alice.callTool({ name: 'proc_spawn', arguments: { prompt, max_tokens: 8, temperature: 0 } })).structuredContent as { pid: number };
      const unwatch = api.watch(pid, () => {}); // a watcher makes the call stream, so it has a first token
      const done = await api.wait(pid, 300_000);
      unwatch();
      expect(done.exit, JSON.stringify(done.error)).toBe('ok');
      completions.push(done.usage.completion_tokens);
    }
    const long = (await alice.callTool({ name: 'proc_spawn', arguments: { prompt: 'Write a long story.', max_tokens: 1500 } })).structuredContent as { pid: number };
    await alice.callTool({ name: 'proc_kill', arguments: { pid: long.pid } });
    await api.wait(long.pid, 60_000);
    await alice.callTool({ name: 'kg_create_entities', arguments: { entities: [{ name: 'Ada Lovelace', entityType: 'person', observations: ['wrote the first program'] }] } });
    await alice.callTool({ name: 'kg_search', arguments: { query: 'Ada' } });
    const res = await fetch(`${http.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    text = await res.text();
  }, 600_000);
  afterAll(async () => {
    await alice?.close();
    await http?.close();
    await booted?.stop();
  });

  it('counts processes by state and exit, queue depth and queue wait per class', () => {
    expect(sample(text, 'llmos_processes{state="exited"}')).toBe(3);
    expect(sample(text, 'llmos_processes{state="running"}')).toBe(0);
    expect(sample(text, 'llmos_queue_depth{class="4"}')).toBe(0);
    expect(sample(text, 'llmos_queue_wait_seconds_count{class="4"}')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'llmos_process_exits_total{status="ok"}')).toBe(2);
    expect(sample(text, 'llmos_process_exits_total{status="killed"}')).toBe(1);
    expect(text).toMatch(/^llmos_errors_total\{code="LLMOS_E[A-Z]+"\} 1$/m); // the kill
  });

  it('records GenAI duration, time to first token, tokens, cost and allocator choices per model', () => {
    const ok = 'gen_ai_operation_name="chat",gen_ai_request_model="smollm2"';
    expect(sample(text, `gen_ai_client_operation_duration_seconds_count{${ok},error_type=""}`)).toBeGreaterThanOrEqual(2);
    expect(sample(text, `gen_ai_client_operation_duration_seconds_sum{${ok},error_type=""}`)).toBeGreaterThan(0);
    expect(sample(text, 'gen_ai_server_time_to_first_token_seconds_count{gen_ai_request_model="smollm2"}')).toBeGreaterThanOrEqual(2);
    expect(sample(text, `gen_ai_client_token_usage_sum{${ok},gen_ai_token_type="output"}`)).toBeGreaterThanOrEqual(completions[0] + completions[1]);
    expect(sample(text, `gen_ai_client_token_usage_count{${ok},gen_ai_token_type="input"}`)).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'llmos_cost_usd_total{model="smollm2",owner="user:alice"}')).toBeGreaterThan(0);
    expect(sample(text, 'llmos_allocations_total{allocator="rules",model="smollm2"}')).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/^# TYPE llmos_retries_total counter$/m);
    expect(text).toMatch(/^# TYPE llmos_fallbacks_total counter$/m);
  });

  it('reads slots, health, circuit state, budgets and knowledge-graph latency at scrape time', () => {
    expect(sample(text, 'llmos_model_slots{model="smollm2"}')).toBe(1);
    expect(sample(text, 'llmos_model_slots_in_use{model="smollm2"}')).toBe(0);
    expect(sample(text, 'llmos_model_circuit_open{model="smollm2"}')).toBe(0);
    const left = sample(text, 'llmos_budget_remaining_usd{owner="user:alice"}')!;
    expect(left).toBeGreaterThan(4.9);
    expect(left).toBeLessThan(5);
    expect(sample(text, 'llmos_spend_usd{owner="user:alice"}')).toBeCloseTo(5 - left, 9);
    expect(sample(text, 'llmos_syscall_duration_seconds_count{syscall="kg_create_entities",outcome="ok"}')).toBe(1);
    expect(sample(text, 'llmos_syscall_duration_seconds_count{syscall="kg_search",outcome="ok"}')).toBe(1);
    expect(sample(text, 'llmos_syscall_duration_seconds_count{syscall="proc_spawn",outcome="ok"}')).toBe(3);
  });
});
