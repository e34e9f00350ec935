import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fcfs from '../../../plugins/sched-fcfs/index.js';
import { tracesPlugin, tracesWanted } from '../../../plugins/obs-traces/index.js';
import { kernelApi } from '../../../src/kernel/api.js';
import type { KernelApi } from '../../../src/plugin-api/index.js';
import { EchoBackend, echoPlugin } from '../../fixtures/echo-backend.js';
import { testKernel } from '../../helpers/kernel.js';

describe('obs-traces: OpenTelemetry spans through the Node SDK (in-memory exporter)', () => {
  const exporter = new InMemorySpanExporter();
  const processor = new SimpleSpanProcessor(exporter);
  let booted: Awaited<ReturnType<typeof testKernel>>;
  let api: KernelApi;
  const spans = () => exporter.getFinishedSpans();
  const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;
  const byPid = (pid: number) => spans().find((s) => s.name.startsWith('llmos.') && s.attributes['llmos.pid'] === pid)!;
  const childrenOf = (s: ReadableSpan) => spans().filter((c) => parentOf(c) === s.spanContext().spanId);

  beforeAll(async () => {
    booted = await testKernel({ inline: [fcfs, echoPlugin([new EchoBackend('echo', {}, 1), new EchoBackend('flaky', {}, 1)]), tracesPlugin({ spanProcessors: [processor] })] });
    api = kernelApi(booted.kernel);
  });
  afterAll(() => booted.stop());

  it('gives a process one span with queue, allocate and a GenAI chat span per attempt, and an exit event', async () => {
    const p = api.spawn({ prompt: 'trace me please' }, 'alice');
    await api.wait(p.pid, 10_000);
    await processor.forceFlush(); // the SDK exports once its resource detection settles
    const span = byPid(p.pid);
    expect(span.attributes).toMatchObject({ 'llmos.owner': 'alice', 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'auto', 'gen_ai.response.model': 'echo', 'gen_ai.usage.output_tokens': 4, 'llmos.exit': 'ok' });
    expect(span.events.map((e) => e.name)).toEqual(['exit']);
    const kids = childrenOf(span);
    expect(kids.map((k) => k.name).sort()).toEqual(['allocate', 'chat echo', 'queue']);
    const chat = kids.find((k) => k.name === 'chat echo')!;
    expect(chat.attributes).toMatchObject({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'echo' });
    expect(kids.find((k) => k.name === 'allocate')!.attributes['llmos.allocation.model']).toBe('echo');
    expect(span.spanContext().traceId).toBe(chat.spanContext().traceId);
  });

  it('marks failed attempts and the process with error.type', async () => {
    const p = api.spawn({ prompt: 'fail: on purpose', model: 'flaky' }, 'alice') // its open circuit then holds up only flaky;
    await api.wait(p.pid, 20_000);
    await processor.forceFlush();
    const span = byPid(p.pid);
    expect(span.attributes['error.type']).toBe('LLMOS_EUPSTREAM');
    expect(span.status.code).toBe(2); // ERROR
    const attempts = childrenOf(span).filter((k) => k.name === 'chat flaky');
    expect(attempts.length).toBeGreaterThan(1); // retried
    expect(attempts.every((a) => a.attributes['error.type'] === 'LLMOS_EUPSTREAM')).toBe(true);
  });

  it('draws a collaboration as one trace: the group span parents its children', async () => {
    const g = api.spawnGroup({ prompt: 'a debate' }, 'bob');
    const a = api.spawn({ prompt: 'side a' }, 'bob', { ppid: g.proc.pid });
    const b = api.spawn({ prompt: 'side b' }, 'bob', { ppid: g.proc.pid });
    await Promise.all([api.wait(a.pid, 10_000), api.wait(b.pid, 10_000)]);
    g.exit({ result: { text: 'done', finish_reason: 'stop' } });
    await api.wait(g.proc.pid, 5_000);
    await processor.forceFlush();
    const group = byPid(g.proc.pid);
    expect(group.name).toBe('llmos.group');
    expect(group.attributes['gen_ai.operation.name']).toBe('invoke_agent');
    for (const pid of [a.pid, b.pid]) {
      expect(parentOf(byPid(pid))).toBe(group.spanContext().spanId);
      expect(byPid(pid).spanContext().traceId).toBe(group.spanContext().traceId);
    }
  });

  it('is opt-in through the standard OTEL_* variables', () => {
    expect(tracesWanted({})).toBe(false);
    expect(tracesWanted({ OTEL_TRACES_EXPORTER: 'otlp' })).toBe(true);
    expect(tracesWanted({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x' })).toBe(false);
    expect(tracesWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracesWanted({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'console' })).toBe(false);
  });
});
