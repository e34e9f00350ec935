import type { ProcView } from '../../src/plugin-api/index.js';

/** A fixed-size ring of the newest items. */
export class Ring<T> {
  private readonly items: T[] = [];
  private head = 0;
  constructor(private readonly size: number) {}
  push(x: T): void {
    if (this.items.length < this.size) this.items.push(x);
    else (this.items[this.head] = x), (this.head = (this.head + 1) % this.size);
  }
  /** Oldest first. */
  all(): T[] {
    return [...this.items.slice(this.head), ...this.items.slice(0, this.head)];
  }
}

/** One exited process as the charts need it. */
export interface ExitSample {
  at: number;
  owner: string;
  model: string;
  wait_ms: number;
  latency_ms: number;
  cost_usd: number;
  ok: boolean;
}

/** What the console remembers of exits (bounded): spend over time, queue waits, per-model latency and cost. */
export class ExitHistory {
  private readonly ring: Ring<ExitSample>;
  constructor(size: number) {
    this.ring = new Ring(size);
  }

  add(p: ProcView): void {
    if (p.kind === 'group') return;
    const last = p.attempts.at(-1);
    this.ring.push({
      at: p.finished ?? Date.now(),
      owner: p.owner,
      model: p.model ?? '',
      wait_ms: Math.max(0, (p.started ?? p.finished ?? p.created) - p.created),
      latency_ms: last?.finished !== undefined ? last.finished - last.started : 0,
      cost_usd: p.usage.cost_usd,
      ok: p.exit === 'ok',
    });
  }

  /** The samples `see` lets through, oldest first. */
  visible(see: (owner: string) => boolean): ExitSample[] {
    return this.ring.all().filter((s) => see(s.owner));
  }
}
