import { z } from 'zod';
import { trailingThrottle } from '../../core/trailing-throttle.js';

/** What a batched writer writes to (a ServerResponse). */
export interface TextSink {
  write(chunk: string): unknown;
  readonly writableEnded: boolean;
}

/**
 * Default for how long streamed text may wait to share one socket write (a
 * reader still sees text ~50 times a second). One write per token woke the
 * client once per token, and on a 2-core machine every wake-up stalled the
 * in-process model's decode threads: 80 tokens/s streamed against 215
 * unstreamed (README, "Where the time went").
 */
export const DEFAULT_STREAM_FLUSH_MS = 20;

/** The gateways' option for it. */
export const StreamFlushMs = z
  .number()
  .int()
  .min(0)
  .max(1000)
  .default(DEFAULT_STREAM_FLUSH_MS)
  .describe('Milliseconds streamed token events may wait to share one socket write (the first never waits); 0 writes each at once.');

/**
 * Writes a stream's events in order, gathering the frequent ones (`later`)
 * into one socket write at most every `flushMs`: the first at once, the rest
 * when `flushMs` has passed since the last write (a timer writes what waits
 * when no event comes to carry it). `now` writes what waits, then its own
 * text, at once. Events are only batched, never merged or changed: the
 * client reads the same SSE events. `flushMs` 0 writes every event at once.
 */
export class BatchedWrites {
  private pending = '';
  /** Writes what waits: at once when flushMs has passed since it last did, else when it will have. */
  private readonly flushSoon: ReturnType<typeof trailingThrottle<void>>;

  constructor(
    private readonly sink: TextSink,
    flushMs: number,
  ) {
    this.flushSoon = trailingThrottle(() => this.flush(), flushMs);
  }

  /** An event that may wait up to flushMs for company (the first of a stream never waits). */
  later(text: string): void {
    this.pending += text;
    this.flushSoon();
  }

  /** What waits, then `text`, in one write now; does not delay the next `later`. */
  now(text = ''): void {
    this.pending += text;
    this.flush();
  }

  /** Drops what waits (the response is over or gone). */
  cancel(): void {
    this.flushSoon.cancel();
    this.pending = '';
  }

  /** Takes what waits, to go out in the caller's own write; no timer writes it. */
  take(): string {
    const text = this.pending;
    this.cancel();
    return text;
  }

  private flush(): void {
    if (!this.pending || this.sink.writableEnded) return;
    this.sink.write(this.pending);
    this.pending = '';
  }
}
