/** Helpers for model backends that call an HTTP upstream: what its errors say about retrying, and a logger for its SDK. */
import type { Logger } from '../core/log.js';

/**
 * Milliseconds a server asked us to wait: `retry-after-ms`, else `Retry-After`
 * as seconds or as an HTTP date. Undefined when absent or unreadable.
 */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = Number(headers?.get('retry-after-ms') ?? NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers?.get('retry-after');
  if (!raw) return undefined;
  const secs = Number(raw);
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const at = Date.parse(raw);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** The first error code (ECONNRESET, ECONNREFUSED…) along an error's cause chain: fetch wraps socket errors in TypeError('fetch failed' | 'terminated'). */
export function socketCode(e: unknown): string | undefined {
  for (let c = e, depth = 0; c && typeof c === 'object' && depth < 5; c = (c as { cause?: unknown }).cause, depth++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** Statuses a retry may fix: request timeout, rate limit, and every server error. */
export const retryableStatus = (s: number): boolean => s === 408 || s === 429 || s >= 500;

/** The logger interface the openai and @anthropic-ai/sdk clients take, on top of a plugin's pino logger (their info is our debug). */
export const sdkLogger = (log: Logger) => ({
  error: (msg: string, ...rest: unknown[]) => log.error({ detail: rest }, msg),
  warn: (msg: string, ...rest: unknown[]) => log.warn({ detail: rest }, msg),
  info: (msg: string, ...rest: unknown[]) => log.debug({ detail: rest }, msg),
  debug: (msg: string, ...rest: unknown[]) => log.debug({ detail: rest }, msg),
});
