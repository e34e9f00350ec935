import { APIConnectionError, APIError } from 'openai';
import { LlmosError, retryableStatus, retryAfterMs, socketCode, tooLargeError } from '../../src/plugin-api/index.js';
import { webHeaders } from './web-headers.js';

export { retryAfterMs, socketCode } from '../../src/plugin-api/index.js';

/** A status outside 2xx as the openai client reports it: its own APIError subclass, message and headers. */
export function statusError(status: number, raw: Record<string, string | string[] | undefined>, text: string): APIError {
  let json: object | undefined;
  try {
    json = JSON.parse(text) as object;
  } catch {
    json = undefined;
  }
  return APIError.generate(status, json, json ? undefined : text, webHeaders(raw));
}

/**
 * Maps whatever the openai client or the stream threw to LLMOS_EUPSTREAM.
 * data.retryable is true for 408/429/5xx, connection failures (refused,
 * reset, timeouts), errors inside the stream and malformed JSON; false for
 * other 4xx (bad request, auth, not found) and an answer past
 * options.max_response_bytes, which the same request cannot fix.
 * The caller handles aborts before calling this.
 */
export function upstreamError(model: string, e: unknown): LlmosError {
  if (e instanceof LlmosError) return e;
  const tooLarge = tooLargeError('model-openai', model, e);
  if (tooLarge) return tooLarge;
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
