import type { Metric, Registry } from 'prom-client';

/** One label set's buckets. observe() is a bucket search and three adds: no allocation, no label hashing. */
export class HistogramChild {
  /** Observations per bucket (not cumulative); the last slot is +Inf. */
  private readonly counts: Float64Array;
  private sum = 0;
  private count = 0;

  constructor(
    private readonly bounds: readonly number[],
    readonly labels: Readonly<Record<string, string>>,
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && value > b[i]) i++;
    this.counts[i]++;
    this.sum += value;
    this.count++;
  }

  zero(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }

  /** prom-client's sample shape: cumulative `_bucket` lines with `le` first, then `_sum` and `_count`. */
  samples(name: string): Array<{ metricName: string; labels: Record<string, string | number>; value: number }> {
    let acc = 0;
    const bucket = (le: string | number, value: number) => ({ metricName: `${name}_bucket`, labels: { le, ...this.labels }, value });
    return [
      ...this.bounds.map((le, i) => bucket(le, (acc += this.counts[i]))),
      bucket('+Inf', this.count),
      { metricName: `${name}_sum`, labels: { ...this.labels }, value: this.sum },
      { metricName: `${name}_count`, labels: { ...this.labels }, value: this.count },
    ];
  }
}

/**
 * A Prometheus histogram for the request path. prom-client's Histogram
 * validates and hashes the labels and allocates on every observe (~1 µs);
 * here a caller resolves a label set to its child once (child()) and keeps
 * it, so an observation costs a few additions. It registers in a prom-client
 * Registry as a custom metric (get() returns prom-client's metric object), so
 * prom-client still writes the exposition text, byte for byte as it writes
 * its own Histogram's.
 */
export class FastHistogram<L extends string> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly children = new Map<string, HistogramChild>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly L[],
    private readonly buckets: readonly number[],
    registry: Registry,
  ) {
    registry.registerMetric(this as unknown as Metric);
  }

  /** The child for these label values, in labelNames' order. Resolve once per label set and keep it. */
  child(...values: string[]): HistogramChild {
    const key = values.join('\u0000');
    let c = this.children.get(key);
    if (!c) {
      c = new HistogramChild(this.buckets, Object.fromEntries(this.labelNames.map((n, i) => [n, values[i]])));
      this.children.set(key, c);
    }
    return c;
  }

  /** Read by prom-client's Registry at scrape time. */
  async get() {
    const values = [...this.children.values()].flatMap((c) => c.samples(this.name));
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** Zeroes every child in place (callers keep their children). */
  reset(): void {
    for (const c of this.children.values()) c.zero();
  }
}
