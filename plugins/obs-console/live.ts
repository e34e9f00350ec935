import type { KernelApi } from '../../src/plugin-api/index.js';

/**
 * Tells every open console stream that something changed, at most once per
 * `minGapMs` however many process events arrive (one kernel listener for
 * all streams), and at least every `maxGapMs` so waits keep ticking.
 */
export class LiveFeed {
  private readonly clients = new Set<() => void>();
  private timer?: NodeJS.Timeout;
  private beat?: NodeJS.Timeout;
  private offs: Array<() => void> = [];

  constructor(
    private readonly kernel: KernelApi,
    private readonly minGapMs: number,
    private readonly maxGapMs: number,
  ) {}

  get size(): number {
    return this.clients.size;
  }

  start(): void {
    const poke = () => this.poke();
    this.offs = [this.kernel.onProc('state', poke), this.kernel.onProc('change', poke), this.kernel.onModels(poke)];
    this.beat = setInterval(() => this.flush(), this.maxGapMs).unref();
  }

  stop(): void {
    this.offs.forEach((off) => off());
    clearInterval(this.beat);
    clearTimeout(this.timer);
    this.clients.clear();
  }

  /** Adds a stream; returns its removal. */
  add(fn: () => void): () => void {
    this.clients.add(fn);
    return () => void this.clients.delete(fn);
  }

  private poke(): void {
    if (!this.clients.size || this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.minGapMs);
  }

  private flush(): void {
    this.timer = undefined;
    for (const fn of this.clients) fn();
  }
}
