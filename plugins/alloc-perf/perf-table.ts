import type { PerfObservation, PerfRow, PerfSample, PerfTable } from '../../src/plugin-api/index.js';

const fold = (mean: number, n: number, v: number) => mean + (v - mean) / (n + 1);

/**
 * An in-memory PerfTable (running means, no percentiles) for when no plugin
 * provides PERF_TABLE_TOKEN (model-core provides the persistent one), for
 * offline replay and for tests.
 */
export class MemoryPerfTable implements PerfTable {
  private readonly table = new Map<string, PerfRow>();
  private readonly listeners = new Set<(changed: Array<{ model: string; task_type: string }>) => void>();

  get(model: string, taskType: string): PerfRow | undefined {
    return this.table.get(`${model}\u0000${taskType}`);
  }

  rows(filter: { models?: readonly string[]; task_types?: readonly string[] } = {}): PerfRow[] {
    return [...this.table.values()]
      .filter((r) => (!filter.models?.length || filter.models.includes(r.model)) && (!filter.task_types?.length || filter.task_types.includes(r.task_type)))
      .sort((a, b) => a.task_type.localeCompare(b.task_type) || a.model.localeCompare(b.model));
  }

  record(model: string, taskType: string, obs: PerfObservation): void {
    this.recordMany([{ ...obs, model, task_type: taskType, at: Date.now() }]);
  }

  recordMany(samples: readonly PerfSample[]): void {
    const changed: Array<{ model: string; task_type: string }> = [];
    for (const s of samples) {
      const key = `${s.model}\u0000${s.task_type}`;
      const r: PerfRow = this.table.get(key) ?? { model: s.model, task_type: s.task_type, version: '', n: 0, accuracy: null, n_accuracy: 0, latency_ms: 0, latency_p50_ms: 0, latency_p95_ms: 0, n_latency: 0, tokens_per_s: 0, cost_usd: 0, n_cost: 0, updated: 0 };
      if (s.quality !== undefined) r.accuracy = fold(r.accuracy ?? 0, r.n_accuracy++, s.quality);
      if (s.latency_ms !== undefined) {
        r.latency_ms = fold(r.latency_ms, r.n_latency++, s.latency_ms);
        r.latency_p50_ms = r.latency_p95_ms = r.latency_ms;
      }
      if (s.cost_usd !== undefined) r.cost_usd = fold(r.cost_usd, r.n_cost++, s.cost_usd);
      if (s.version) r.version = s.version;
      r.n++;
      r.updated = s.at;
      this.table.set(key, r);
      changed.push({ model: s.model, task_type: s.task_type });
    }
    for (const l of this.listeners) l(changed);
  }

  onChange(listener: (changed: Array<{ model: string; task_type: string }>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
