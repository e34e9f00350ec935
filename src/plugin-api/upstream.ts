/** Helpers for model backends that call an HTTP upstream: what its errors say about retrying, and a logger for its SDK. */
import { LlmosError } from '../core/errors.js';
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

/** undici's code for an answer whose body passed the pool's maxResponseSize (options.max_response_bytes). */
const RESPONSE_TOO_LARGE = 'UND_ERR_RES_EXCEEDED_MAX_SIZE';

/** LLMOS_EUPSTREAM for an answer larger than options.max_response_bytes, when `e` is that; not retryable, since the same request would get the same answer. */
export function tooLargeError(plugin: string, model: string, e: unknown): LlmosError | undefined {
  if (socketCode(e) !== RESPONSE_TOO_LARGE) return undefined;
  return new LlmosError('LLMOS_EUPSTREAM', `model ${model}: the endpoint's answer is larger than ${plugin}'s options.max_response_bytes; it was cut off. Ask for a shorter answer (max_tokens), or raise max_response_bytes if this endpoint is trusted to send that much.`, {
    retryable: false,
    detail: 'response_too_large',
  });
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
