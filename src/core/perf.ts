import { TOKENS } from './tokens.js';
/**
 * The performance table: measured quality, speed and cost of each model on
 * each task type. model-core fills it from model_eval runs (and takes live
 * observations, e.g. allocator feedback, through record()), keeps it in
 * SQLite under the data dir so it survives restarts, and provides it under
 * PERF_TABLE_TOKEN. Allocators read it to rank candidates.
 *
 * Resolve it lazily or in start() — scope.resolve<PerfTable>(PERF_TABLE_TOKEN)
 * — since model-core provides it in register().
 */
export const PERF_TABLE_TOKEN = TOKENS.PerfTable;

/** What one call showed; every field is optional, and a missing one does not count towards that figure. */
export interface PerfObservation {
  /** Quality in [0, 1]: 1/0 for a scored eval item, a rating from proc_feedback, 0 for a failed call. */
  quality?: number;
  /** Wall time of the model call (RUNNING, not queueing), in ms. */
  latency_ms?: number;
  completion_tokens?: number;
  /** Cost of the call, US dollars. */
  cost_usd?: number;
  /** Model version the call ran on; "" when unknown. */
  version?: string;
  /** Where it came from, e.g. "eval:<run id>" or "live". */
  source?: string;
}

/** One stored observation of one (model, task type). */
export interface PerfSample extends PerfObservation {
  model: string;
  /** A TaskType ("qa", "math", …); tasks without a type count as "chat". */
  task_type: string;
  /** Unix ms. */
  at: number;
}

/**
 * One row: each figure aggregates the newest `window` samples that carry it
 * (so live speed samples never push eval accuracy out of the window).
 */
export interface PerfRow {
  model: string;
  task_type: string;
  /** Version of the newest sample that named one; "" when none did. */
  version: string;
  /** Samples aggregated into any figure. */
  n: number;
  /** Mean quality; null when no sample carried one. */
  accuracy: number | null;
  n_accuracy: number;
  /** Mean latency and its percentiles, ms (0 when n_latency is 0). */
  latency_ms: number;
  latency_p50_ms: number;
  latency_p95_ms: number;
  n_latency: number;
  /** Completion tokens per second of call time (sum tokens / sum latency). */
  tokens_per_s: number;
  /** Mean cost of one call, US dollars. */
  cost_usd: number;
  n_cost: number;
  /** Unix ms of the newest sample. */
  updated: number;
}

export interface PerfTable {
  /** The row of one model on one task type, or undefined when never measured. O(1), from memory. */
  get(model: string, taskType: string): PerfRow | undefined;
  /** Rows, optionally only of some models and/or task types, sorted by task type then model. */
  rows(filter?: { models?: readonly string[]; task_types?: readonly string[] }): PerfRow[];
  /** Adds one live observation (allocator feedback). Cheap: written in batches, visible in get() within a fraction of a second. */
  record(model: string, taskType: string, obs: PerfObservation): void;
  /** Adds samples and recomputes the affected rows; durable and visible when it returns. */
  recordMany(samples: readonly PerfSample[]): void;
  /** Called after rows changed, with the (model, task type) pairs. Returns an unsubscribe function. */
  onChange(listener: (changed: Array<{ model: string; task_type: string }>) => void): () => void;
}
