import { APIConnectionError, APIError } from 'openai';
import { LlmosError } from '../../src/plugin-api/index.js';

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
const retryableStatus = (s: number): boolean => s === 408 || s === 429 || s >= 500;

/**
 * Maps whatever the openai client or the stream threw to LLMOS_EUPSTREAM.
 * data.retryable is true for 408/429/5xx, connection failures (refused,
 * reset, timeouts), errors inside the stream and malformed JSON; false for
 * other 4xx (bad request, auth, not found), which the same request cannot fix.
 * The caller handles aborts before calling this.
 */
export function upstreamError(model: string, e: unknown): LlmosError {
  if (e instanceof LlmosError) return e;
  if (e instanceof APIConnectionError) {
    const code = socketCode(e);
    const cause = (e.cause as { message?: string } | undefined) ?? {};
    return new LlmosError('LLMOS_EUPSTREAM', `model ${model}: cannot reach the endpoint (${code ?? cause.message ?? e.message}); this is usually transient.`, { retryable: true, detail: code ?? e.message });
  }
  if (e instanceof APIError && e.status !== undefined) {
    const retryable = retryableStatus(e.status);
    const after = retryAfterMs(e.headers);
    const hint = retryable ? 'this is usually transient' : 'fix the request, the model name or the API key; a retry will not help';
    return new LlmosError('LLMOS_EUPSTREAM', `model ${model}: the endpoint answered ${e.status} (${e.message.slice(0, 200)}); ${hint}.`, {
      retryable,
      status: e.status,
      ...(after !== undefined ? { retry_after_ms: after } : {}),
    });
  }
  if (e instanceof APIError) return new LlmosError('LLMOS_EUPSTREAM', `model ${model}: the endpoint reported an error inside the stream (${e.message.slice(0, 200)}); this is usually transient.`, { retryable: true });
  if (e instanceof SyntaxError) return new LlmosError('LLMOS_EUPSTREAM', `model ${model}: the endpoint sent malformed JSON (${e.message.slice(0, 120)}); this is usually transient.`, { retryable: true, detail: 'malformed_json' });
  const code = socketCode(e);
  const msg = e instanceof Error ? `${e.message}${(e.cause as Error | undefined)?.message ? `: ${(e.cause as Error).message}` : ''}${code ? ` (${code})` : ''}` : String(e);
  // A body cut short (socket reset mid-stream) surfaces from fetch as a TypeError such as "terminated".
  return new LlmosError('LLMOS_EUPSTREAM', `model ${model}: the call failed (${msg.slice(0, 200)}); this is usually transient.`, { retryable: true });
}
