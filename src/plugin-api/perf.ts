/**
 * The performance table: measured quality, speed and cost of each model on
 * each task type. model-core fills it from model_eval runs and keeps it on
 * disk, so it survives restarts; allocators read it to rank candidates.
 *
 * Resolve it with scope.resolve<PerfTable>(PERF_TABLE_TOKEN) in start() (or
 * later), and list "model-core" in dependsOn.
 */
export const PERF_TABLE_TOKEN: unique symbol = Symbol.for('llmos.PerfTable');

/** One measured call: a scored eval item (or, later, a live call with known quality). */
export interface PerfSample {
  model: string;
  /** Model version the call ran on. */
  version: string;
  /** A TaskType ("qa", "math", …) or any label the suite used. */
  task_type: string;
  /** Scored correct? Undefined when quality is unknown; such samples count for speed and cost only. */
  ok?: boolean;
  /** Wall time of the model call (RUNNING, not queueing), in ms. */
  latency_ms: number;
  completion_tokens: number;
  cost_usd: number;
  /** Where the sample came from, e.g. "eval:<run id>". */
  source: string;
  /** Unix ms. */
  at: number;
}

/** Aggregates over the most recent samples of one (model, task type). */
export interface PerfRow {
  model: string;
  task_type: string;
  /** Version of the newest sample. */
  version: string;
  /** Samples aggregated (at most the table's window, newest first). */
  n: number;
  /** Fraction correct among scored samples; null when none were scored. */
  accuracy: number | null;
  latency_p50_ms: number;
  latency_p95_ms: number;
  /** Completion tokens per second of call time (sum tokens / sum latency). */
  tokens_per_s: number;
  /** Mean cost of one call, US dollars. */
  cost_usd: number;
  /** Unix ms of the newest sample. */
  updated: number;
}

export interface PerfTable {
  /** The row of one model on one task type, or undefined when never measured. O(1). */
  get(model: string, taskType: string): PerfRow | undefined;
  /** Rows, optionally only of some models and/or task types, sorted by task type then model. */
  rows(filter?: { models?: readonly string[]; task_types?: readonly string[] }): PerfRow[];
  /** Adds samples and recomputes the affected rows; durable when it returns. */
  record(samples: readonly PerfSample[]): void;
  /** Called after record() with the (model, task type) pairs it changed. Returns an unsubscribe function. */
  onChange(listener: (changed: Array<{ model: string; task_type: string }>) => void): () => void;
}
