/** Nearest-rank percentile (p in [0, 1]) of unsorted numbers; 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/** Completion tokens per second of call time; 0 when no time was measured. */
export const tokensPerSecond = (tokens: number, latencyMs: number): number => (latencyMs > 0 ? (tokens * 1000) / latencyMs : 0);

/** Runs fn over items with at most `limit` in flight; results keep the input order. Stops starting new items once signal aborts. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>, signal?: AbortSignal): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      if (signal?.aborted) throw signal.reason;
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}
