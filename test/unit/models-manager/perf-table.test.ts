import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../../plugins/model-core/db.js';
import { SqlitePerfTable } from '../../../plugins/model-core/perf-table.js';
import type { PerfSample } from '../../../src/core/perf.js';
import { removeDir } from './harness.js';

const dirs: string[] = [];
const dbs: Db[] = [];
const open = (dir = mkdtempSync(join(tmpdir(), 'llmos-perf-'))) => {
  dirs.push(dir);
  const db = openDb(dir);
  dbs.push(db);
  return { dir, db };
};
afterEach(() => {
  dbs.splice(0).forEach((d) => d.open && d.close());
  dirs.splice(0).forEach(removeDir);
});

const sample = (o: Partial<PerfSample>): PerfSample => ({ model: 'm', task_type: 'qa', version: '1', source: 'eval:t', at: 1000, ...o });

describe('SqlitePerfTable', () => {
  it('aggregates accuracy, latency percentiles, tokens/s and mean cost per (model, task type)', () => {
    const t = new SqlitePerfTable(open().db);
    t.recordMany(Array.from({ length: 20 }, (_, i) => sample({ quality: i < 15 ? 1 : 0, latency_ms: (i + 1) * 10, completion_tokens: 5, cost_usd: 0.001 })));
    const r = t.get('m', 'qa')!;
    expect(r).toMatchObject({ n: 20, n_accuracy: 20, accuracy: 0.75, latency_p50_ms: 100, latency_p95_ms: 190, latency_ms: 105, n_cost: 20, version: '1' });
    expect(r.tokens_per_s).toBeCloseTo((100 * 1000) / 2100, 9);
    expect(r.cost_usd).toBeCloseTo(0.001, 12);
    expect(t.get('m', 'math')).toBeUndefined();
  });

  it('keeps the newest window per figure, so live speed samples never push eval accuracy out', () => {
    const t = new SqlitePerfTable(open().db, 10);
    t.recordMany(Array.from({ length: 4 }, () => sample({ quality: 1 })));
    t.recordMany(Array.from({ length: 30 }, (_, i) => sample({ latency_ms: i, source: 'live', version: '' })));
    const r = t.get('m', 'qa')!;
    expect(r).toMatchObject({ n_accuracy: 4, accuracy: 1, n_latency: 10, latency_p50_ms: 24, n: 14, version: '1' });
  });

  it('batches live observations (the alloc-perf feedback path) and flushes them on close, surviving a reopen', () => {
    const { dir, db } = open();
    const t = new SqlitePerfTable(db, 1000, 60_000);
    const seen: string[] = [];
    t.onChange((pairs) => seen.push(...pairs.map((p) => `${p.model}/${p.task_type}`)));
    t.record('m', 'code', { latency_ms: 40, cost_usd: 0.01 });
    t.record('m', 'code', { quality: 0 });
    expect(t.get('m', 'code')).toBeUndefined(); // buffered
    t.close();
    db.close();
    expect(seen).toEqual(['m/code']);
    const again = new SqlitePerfTable(open(dir).db);
    expect(again.get('m', 'code')).toMatchObject({ n: 2, accuracy: 0, n_accuracy: 1, latency_ms: 40, n_latency: 1, cost_usd: 0.01, n_cost: 1, version: '' });
    expect(again.rows().map((r) => r.task_type)).toEqual(['code']);
  });

  it('filters and sorts rows', () => {
    const t = new SqlitePerfTable(open().db);
    t.recordMany([sample({ model: 'b', task_type: 'qa', quality: 1 }), sample({ model: 'a', task_type: 'qa', quality: 0 }), sample({ model: 'a', task_type: 'code', quality: 1 })]);
    expect(t.rows().map((r) => `${r.task_type}:${r.model}`)).toEqual(['code:a', 'qa:a', 'qa:b']);
    expect(t.rows({ models: ['a'], task_types: ['qa'] }).map((r) => r.accuracy)).toEqual([0]);
  });
});
