import { afterEach, describe, expect, it } from 'vitest';
import { PERF_TABLE_TOKEN, type PerfTable } from '../../../src/core/perf.js';
import { bootManager, removeDir, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  if (h) removeDir(h.dataDir);
  h = undefined;
});

/** The echo model answers "echo: <prompt>", so whether an item passes is known in advance. */
const suite = [
  { prompt: 'the capital is Paris', expected: 'Paris', scorer: 'contains', type: 'qa' },
  { prompt: 'the capital is Rome', expected: 'Paris', scorer: 'contains', type: 'qa' }, // fails
  { prompt: 'x', expected: 'echo: x', scorer: 'exact', type: 'qa' },
  { prompt: '2 + 2 = 4', expected: 4, scorer: 'numeric-tolerance', type: 'math' },
  { prompt: '2 + 2 = 5', expected: 4, scorer: 'numeric-tolerance', type: 'math' }, // fails
  { prompt: '{"n":3}', expected: { type: 'object', required: ['n'] }, scorer: 'json-schema', type: 'extraction' },
  { prompt: 'code 555-1234', expected: '\\d{3}-\\d{4}$', scorer: 'regex', type: 'extraction' },
  { prompt: 'fail: upstream error', expected: 'x', scorer: 'contains', type: 'qa' }, // process fails
];
const jsonl = suite.map((x) => JSON.stringify(x)).join('\n');

describe('model_eval', () => {
  it('runs every item as a real process with the model pinned, with bounded concurrency, and scores it', async () => {
    h = await bootManager();
    await h.call('model_register', { kind: 'echo', id: 'ev', delay_ms: 5, concurrency: 8 });
    let running = 0;
    let peak = 0;
    h.kernel.procs.on('state', (p, from) => {
      if (p.state === 'running' && from !== 'running') peak = Math.max(peak, ++running);
      if (from === 'running' && p.state !== 'running') running--;
    });
    const progress: number[] = [];
    const r = await h.kernel.syscalls.dispatch('model_eval', { model: 'ev', suite: jsonl, concurrency: 3, name: 'smoke' }, { owner: 'evaluator', signal: new AbortController().signal, progress: (u) => progress.push(u.progress) });

    expect(r).toMatchObject({ model: 'ev', version: '1', suite: 'smoke', n: 8, passed: 5, errors: 1, accuracy: 5 / 8 });
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(3);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const items = r.items as Array<{ pid: number; pass: boolean; error: { code: string } | null; task_type: string }>;
    expect(items.map((i) => i.pass)).toEqual([true, false, true, true, false, true, true, false]);
    expect(items[7].error?.code).toBe('LLMOS_EUPSTREAM');
    for (const it of items) {
      const p = h.kernel.procs.must(it.pid);
      expect(p).toMatchObject({ owner: 'evaluator', task: { model: 'ev', temperature: 0, metadata: { eval_run: r.run_id } } });
    }
    // usage is charged to the owner like any other call
    const budget = await h.call('budget_get', { owner: 'evaluator' });
    const tokens = items.map((i) => h!.kernel.procs.must(i.pid).usage).reduce((s, u) => s + u.prompt_tokens + u.completion_tokens, 0);
    expect(budget.spent.tokens).toBe(tokens);
    expect(r.cost_usd).toBeCloseTo(budget.spent.cost_usd, 12);
    expect(r.latency_p95_ms).toBeGreaterThanOrEqual(r.latency_p50_ms as number);
    expect(r.tokens_per_s).toBeGreaterThan(0);
    expect((r.by_type as Array<{ task_type: string; n: number; passed: number }>).map((t) => [t.task_type, t.n, t.passed])).toEqual([
      ['extraction', 2, 2],
      ['math', 2, 1],
      ['qa', 4, 2],
    ]);
  });

  it('fills the performance table, shared with other plugins and kept across restarts', async () => {
    h = await bootManager();
    const dir = h.dataDir;
    await h.call('model_register', { kind: 'echo', id: 'fast' });
    await h.call('model_register', { kind: 'echo', id: 'picky' });
    await h.call('model_eval', { model: 'fast', suite: jsonl });
    await h.call('model_eval', { model: 'picky', items: suite.slice(1, 2) }); // only the failing qa item
    const perf = h.kernel.container.resolve<PerfTable>(PERF_TABLE_TOKEN);
    expect(perf.get('fast', 'qa')).toMatchObject({ n: 4, accuracy: 0.5, version: '1' });
    expect(perf.get('picky', 'qa')).toMatchObject({ n: 1, accuracy: 0 });
    expect(perf.get('picky', 'math')).toBeUndefined();

    const before = await h.call('model_compare', {});
    expect(before.models).toEqual(['fast', 'picky']);
    expect(before.best).toEqual([
      { task_type: 'extraction', model: 'fast', accuracy: 1 },
      { task_type: 'math', model: 'fast', accuracy: 0.5 },
      { task_type: 'qa', model: 'fast', accuracy: 0.5 },
    ]);
    await h.stop();

    h = await bootManager({ dataDir: dir });
    const after = await h.call('model_compare', { task_types: ['qa'] });
    expect(after.rows).toEqual(before.rows.filter((r: { task_type: string }) => r.task_type === 'qa'));
    const evalRes = h.kernel.resources.list().find((r) => r.template === 'llmos://models/{id}/eval')!;
    const page = (await evalRes.read('llmos://models/fast/eval', { id: 'fast' })) as { runs: Array<{ n: number; accuracy: number }>; performance: unknown[] };
    expect(page.runs).toHaveLength(1);
    expect(page.runs[0]).toMatchObject({ n: 8, accuracy: 5 / 8 });
    expect(page.performance).toHaveLength(3);
  });

  it('rejects bad suites and unknown models before spawning anything', async () => {
    h = await bootManager();
    await h.call('model_register', { kind: 'echo', id: 'ev' });
    const last = h.kernel.procs.lastPid;
    await expect(h.call('model_eval', { model: 'ev', suite: '{"prompt":"a","scorer":"exact","expected":"a"}\n{"prompt":1}' })).rejects.toMatchObject({ code: 'LLMOS_EINVAL', message: expect.stringContaining('line 2') });
    await expect(h.call('model_eval', { model: 'nope', suite: jsonl })).rejects.toMatchObject({ code: 'LLMOS_ENOMODEL' });
    await expect(h.call('model_eval', { model: 'ev' })).rejects.toMatchObject({ code: 'LLMOS_EINVAL' });
    await expect(h.call('model_eval', { model: 'ev', items: [{ prompt: 'a', scorer: 'json-schema', expected: { type: 'nah' } }] })).rejects.toMatchObject({ code: 'LLMOS_EINVAL' });
    expect(h.kernel.procs.lastPid).toBe(last);
  });
});

describe('model resources', () => {
  it('serves llmos://models and llmos://models/{id} with id completion', async () => {
    h = await bootManager();
    await h.call('model_register', { kind: 'echo', id: 'vendor/m-1' });
    await h.call('model_register', { kind: 'echo', id: 'vendor/m-2' });
    const res = h.kernel.resources.list();
    const all = res.find((r) => r.uri === 'llmos://models')!;
    expect(((await all.read('llmos://models', {})) as { models: Array<{ id: string }> }).models.map((m) => m.id)).toEqual(['vendor/m-1', 'vendor/m-2']);
    const one = res.find((r) => r.template === 'llmos://models/{id}')!;
    expect(one.list!().map((x) => x.uri)).toEqual(['llmos://models/vendor%2Fm-1', 'llmos://models/vendor%2Fm-2']);
    expect(await one.read('llmos://models/vendor%2Fm-2', { id: 'vendor%2Fm-2' })).toMatchObject({ id: 'vendor/m-2', status: 'ready' });
    expect(await one.complete!.id('vendor/m-')).toEqual(['vendor/m-1', 'vendor/m-2']);
    expect(await one.complete!.id('x')).toEqual([]);
  });
});
