import { LlmosError } from './errors.js';
import type { Logger } from './log.js';

/** What an EndOfTurnWriter writes, and how. */
export interface EndOfTurnStore {
  /** Names it in messages: "the process journal". */
  what: string;
  /** Stores everything pending, or throws and keeps it pending. */
  write(): void;
  pending(): boolean;
  /** Where a failed write is reported (none: only its waiters hear of it). */
  log?: Logger;
}

/**
 * Group commit: writes gathered during one event-loop turn go to storage in
 * one call at the turn's end (setImmediate), and whoever must not go on
 * before they are stored (an answer to a client, a model call) awaits
 * durable().
 *
 * A failed write is logged, rejects the current waiters with
 * LLMOS_EUNAVAILABLE, and is retried after `retryMs` (or sooner, at the end
 * of a turn with new writes).
 */
export class EndOfTurnWriter {
  private soon?: NodeJS.Immediate;
  private retry?: NodeJS.Timeout;
  /** The pending batch's promise, made when someone first waits for it. */
  private waiting?: { promise: Promise<void>; resolve: () => void; reject: (e: LlmosError) => void };

  constructor(
    private readonly store: EndOfTurnStore,
    private readonly retryMs = 1000,
  ) {}

  /** Something new is pending: write it at the end of this turn. */
  schedule(): void {
    this.soon ??= setImmediate(() => this.flush());
  }

  /** Resolves once everything pending now is stored; undefined when nothing is. */
  durable(): Promise<void> | undefined {
    if (!this.store.pending()) return undefined;
    if (!this.waiting) {
      let resolve!: () => void, reject!: (e: LlmosError) => void;
      const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
      this.waiting = { promise, resolve, reject };
    }
    return this.waiting.promise;
  }

  /** Writes what is pending now (also at shutdown), then settles durable()'s promise. */
  flush(): void {
    clearImmediate(this.soon);
    clearTimeout(this.retry);
    this.soon = this.retry = undefined;
    const waiting = this.waiting;
    this.waiting = undefined;
    try {
      if (this.store.pending()) this.store.write();
      waiting?.resolve();
    } catch (err) {
      const { what, log } = this.store;
      log?.error({ err }, `${what} could not be written; what it holds stays in memory and is retried in ${this.retryMs} ms`);
      waiting?.reject(new LlmosError('LLMOS_EUNAVAILABLE', `${what} could not be written (${(err as Error).message}), so this was not acknowledged; check the data dir's disk space and permissions, then retry.`, { retryable: true }));
      this.retry = setTimeout(() => this.flush(), this.retryMs);
      this.retry.unref();
    }
  }
}

/** Both barriers as one (either may be undefined: nothing pending there). */
export function bothDurable(a: Promise<void> | undefined, b: Promise<void> | undefined): Promise<void> | undefined {
  return a && b ? Promise.all([a, b]).then(() => undefined) : (a ?? b);
}
