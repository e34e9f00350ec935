/** Summary statistics for the simulator; times in seconds. */

export interface Summary {
  tasks: number;
  mean_wait: number;
  mean_response: number;
  p50_wait: number;
  p95_wait: number;
  p99_wait: number;
  p50_response: number;
  p95_response: number;
  p99_response: number;
}

/** Nearest-rank percentile of an ascending array; 0 when empty. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (!sorted.length) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return xs.length ? s / xs.length : 0;
}

/** Summarizes waits and responses of the same tasks. Sorts copies; the inputs are untouched. */
export function summarize(wait: Float64Array, response: Float64Array): Summary {
  const w = Float64Array.from(wait).sort();
  const r = Float64Array.from(response).sort();
  return {
    tasks: wait.length,
    mean_wait: mean(wait),
    mean_response: mean(response),
    p50_wait: percentile(w, 0.5),
    p95_wait: percentile(w, 0.95),
    p99_wait: percentile(w, 0.99),
    p50_response: percentile(r, 0.5),
    p95_response: percentile(r, 0.95),
    p99_response: percentile(r, 0.99),
  };
}

/**
 * Standard error of a mean by batch means: the series is cut into `batches`
 * consecutive batches, whose means are nearly independent when batches are
 * much longer than the series' correlation time.
 */
export function batchMeansSe(xs: ArrayLike<number>, batches = 30): number {
  const n = Math.floor(xs.length / batches);
  if (n < 2) return NaN;
  const means: number[] = [];
  for (let b = 0; b < batches; b++) {
    let s = 0;
    for (let i = b * n; i < (b + 1) * n; i++) s += xs[i];
    means.push(s / n);
  }
  const m = means.reduce((a, x) => a + x, 0) / batches;
  const v = means.reduce((a, x) => a + (x - m) ** 2, 0) / (batches - 1);
  return Math.sqrt(v / batches);
}
