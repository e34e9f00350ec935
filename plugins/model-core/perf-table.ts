import type { PerfObservation, PerfRow, PerfSample, PerfTable } from '../../src/plugin-api/index.js';
import type { Db } from './db.js';
import { percentile, tokensPerSecond } from './stats.js';

type Pair = { model: string; task_type: string };
const key = (model: string, taskType: string) => `${model}\u0000${taskType}`;
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/**
 * The performance table on SQLite. Each figure of a (model, task type) row
 * aggregates the newest `window` samples carrying it; older samples are
 * deleted. Rows are cached in memory, so get() and rows() never touch the
 * disk. Live observations (record()) are batched: written every `flushMs`
 * or every 256, and on close().
 */
export class SqlitePerfTable implements PerfTable {
  private readonly cache = new Map<string, PerfRow>();
  private readonly listeners = new Set<(changed: Pair[]) => void>();
  private pending: PerfSample[] = [];
  private timer?: NodeJS.Timeout;
  private readonly insert;
  private readonly newest;
  private readonly prune;
  private readonly versionOf;

  constructor(
    private readonly db: Db,
    private readonly window = 1000,
    private readonly flushMs = 250,
  ) {
    this.insert = db.prepare(
      'INSERT INTO perf_samples (model, version, task_type, quality, latency_ms, completion_tokens, cost_usd, source, at) VALUES (@model, @version, @task_type, @quality, @latency_ms, @completion_tokens, @cost_usd, @source, @at)',
    );
    const newest = (col: string) => db.prepare(`SELECT ${col} AS v, completion_tokens AS t, at FROM perf_samples WHERE model = ? AND task_type = ? AND ${col} IS NOT NULL ORDER BY id DESC LIMIT ?`);
    this.newest = { quality: newest('quality'), latency: newest('latency_ms'), cost: newest('cost_usd') };
    const keep = (col: string) => `SELECT id FROM perf_samples WHERE model = @model AND task_type = @task_type AND ${col} IS NOT NULL ORDER BY id DESC LIMIT @window`;
    this.prune = db.prepare(
      `DELETE FROM perf_samples WHERE model = @model AND task_type = @task_type AND id NOT IN (${keep('quality')}) AND id NOT IN (${keep('latency_ms')}) AND id NOT IN (${keep('cost_usd')})`,
    );
    this.versionOf = db.prepare(
      "SELECT COUNT(*) AS n, MAX(at) AS at, (SELECT version FROM perf_samples WHERE model = @model AND task_type = @task_type AND version != '' ORDER BY id DESC LIMIT 1) AS version FROM perf_samples WHERE model = @model AND task_type = @task_type",
    );
    for (const p of db.prepare('SELECT DISTINCT model, task_type FROM perf_samples').all() as Pair[]) this.refresh(p);
  }

  get(model: string, taskType: string): PerfRow | undefined {
    return this.cache.get(key(model, taskType));
  }

  rows(filter: { models?: readonly string[]; task_types?: readonly string[] } = {}): PerfRow[] {
    return [...this.cache.values()]
      .filter((r) => (!filter.models?.length || filter.models.includes(r.model)) && (!filter.task_types?.length || filter.task_types.includes(r.task_type)))
      .sort((a, b) => a.task_type.localeCompare(b.task_type) || a.model.localeCompare(b.model));
  }

  record(model: string, taskType: string, obs: PerfObservation): void {
    this.pending.push({ source: 'live', ...obs, model, task_type: taskType, at: Date.now() });
    if (this.pending.length >= 256) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.flushMs).unref();
  }

  recordMany(samples: readonly PerfSample[]): void {
    if (!samples.length) return;
    const pairs = new Map<string, Pair>();
    this.db.transaction(() => {
      for (const s of samples) {
        this.insert.run({
          model: s.model,
          task_type: s.task_type,
          version: s.version ?? '',
          quality: s.quality ?? null,
          latency_ms: s.latency_ms ?? null,
          completion_tokens: s.completion_tokens ?? null,
          cost_usd: s.cost_usd ?? null,
          source: s.source ?? 'live',
          at: s.at,
        });
        pairs.set(key(s.model, s.task_type), { model: s.model, task_type: s.task_type });
      }
      for (const p of pairs.values()) this.prune.run({ ...p, window: this.window });
    })();
    for (const p of pairs.values()) this.refresh(p);
    const changed = [...pairs.values()];
    for (const l of this.listeners) l(changed);
  }

  /** Writes buffered live observations now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    this.recordMany(batch);
  }

  /** Flushes; call before closing the database. */
  close(): void {
    this.flush();
    this.listeners.clear();
  }

  onChange(listener: (changed: Pair[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private refresh({ model, task_type }: Pair): void {
    type R = { v: number; t: number | null; at: number };
    const [q, l, c] = (['quality', 'latency', 'cost'] as const).map((k) => this.newest[k].all(model, task_type, this.window) as R[]);
    const all = this.versionOf.get({ model, task_type }) as { n: number; at: number | null; version: string | null };
    if (!all.n) {
      this.cache.delete(key(model, task_type));
      return;
    }
    const latencies = l.map((x) => x.v);
    const timed = l.filter((x) => x.t !== null);
    this.cache.set(key(model, task_type), {
      model,
      task_type,
      version: all.version ?? '',
      n: all.n,
      accuracy: q.length ? mean(q.map((x) => x.v)) : null,
      n_accuracy: q.length,
      latency_ms: mean(latencies),
      latency_p50_ms: percentile(latencies, 0.5),
      latency_p95_ms: percentile(latencies, 0.95),
      n_latency: l.length,
      tokens_per_s: tokensPerSecond(timed.reduce((s, x) => s + x.t!, 0), timed.reduce((s, x) => s + x.v, 0)),
      cost_usd: mean(c.map((x) => x.v)),
      n_cost: c.length,
      updated: all.at ?? 0,
    });
  }
}
