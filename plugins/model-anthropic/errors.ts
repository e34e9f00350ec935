import { LlmosError, retryableStatus, retryAfterMs, socketCode, tooLargeError } from '../../src/plugin-api/index.js';
import { anthropicSdk } from './sdk.js';

/**
 * Whatever the Anthropic client or its stream threw, as LLMOS_EUPSTREAM.
 * data.retryable is true for 408/429/5xx (529 overloaded included),
 * connection failures and errors inside the stream; false for other 4xx
 * and an answer past options.max_response_bytes, which the same request
 * cannot fix. The kernel retries, backs off
 * (honouring retry-after), falls back and cools the model down. The
 * caller handles aborts first.
 */
export function upstreamError(model: string, e: unknown): LlmosError {
  if (e instanceof LlmosError) return e;
  const tooLarge = tooLargeError('model-anthropic', model, e);
  if (tooLarge) return tooLarge;
  const { APIConnectionError, APIError } = anthropicSdk();
  if (e instanceof APIConnectionError) {
    const code = socketCode(e);
    return new LlmosError('LLMOS_EUPSTREAM', `model ${model}: cannot reach the Messages endpoint (${code ?? e.message}); this is usually transient.`, { retryable: true, detail: code ?? e.message });
  }
  if (e instanceof APIError && e.status !== undefined) {
    const retryable = retryableStatus(e.status);
    const after = retryAfterMs(e.headers);
    const hint = retryable ? 'this is usually transient' : 'fix the request, the model name or the API key; a retry will not help';
    return new LlmosError('LLMOS_EUPSTREAM', `model ${model}: the Messages endpoint answered ${e.status} (${e.message.slice(0, 200)}); ${hint}.`, { retryable, status: e.status, ...(after !== undefined && { retry_after_ms: after }) });
  }
  const msg = e instanceof Error ? e.message : String(e);
  return new LlmosError('LLMOS_EUPSTREAM', `model ${model}: the Messages call failed (${msg.slice(0, 200)}); this is usually transient.`, { retryable: true });
}
