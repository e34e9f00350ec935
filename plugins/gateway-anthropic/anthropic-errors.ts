import { httpStatusOf, type CodedError, type ErrorReply, type GatewayProtocol, type HttpRefusal } from '../../src/plugin-api/index.js';

/** Anthropic's error body; `code` (an LLMOS_E… code) is LLMOS's addition, which Anthropic clients ignore. */
export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string; code: string };
}

/** Anthropic's own status: 529 overloaded, which its clients retry with backoff. */
const OVERLOADED = { LLMOS_EUNAVAILABLE: 529 };

/** Anthropic's error type for a status (docs: "Errors"). */
const TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  405: 'invalid_request_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

/**
 * The context-window refusal in the words Anthropic's API uses, which
 * Claude Code reads: "input length and `max_tokens` exceed context limit:
 * P + M > W" when the prompt alone fits (the client may retry with a
 * smaller max_tokens), else "prompt is too long: P tokens > W maximum"
 * (shown to the user). LLMOS's own advice follows.
 */
function contextMessage(e: CodedError): string {
  const d = e.data ?? {};
  const [p, m, w] = [d.prompt_tokens, d.max_tokens, d.context_window].map(Number);
  if (![p, m, w].every(Number.isFinite)) return `prompt is too long: ${e.message}`;
  const head = p < w ? `input length and \`max_tokens\` exceed context limit: ${p} + ${m} > ${w}, decrease input length or \`max_tokens\` and try again` : `prompt is too long: ${p} tokens > ${w} maximum`;
  return `${head} (${e.message})`;
}

/** Advice written for MCP clients, said the Messages API's way. */
const forGateway = (message: string) => message.replace(/List models with model_list, or register one with model_register\./, 'Ask the operator which models LLMOS serves (GET /v1/models), or send one of them as "model".').replace(/\bmodel_list\b/g, 'GET /v1/models');

function retryHeaders(status: number, data: Record<string, unknown>): Record<string, string> {
  if (status !== 429 && status !== 529) return {};
  return { 'retry-after': String(Math.max(1, Math.ceil(Number(data.retry_after_ms ?? 1000) / 1000))) };
}

/** Any coded error as Anthropic's {type:"error", error:{type, message}} with its status. */
export function anthropicError(e: CodedError, status = httpStatusOf(e.code, OVERLOADED)): ErrorReply & { body: AnthropicErrorBody } {
  const message = e.code === 'LLMOS_ECONTEXT' ? contextMessage(e) : forGateway(e.message);
  return { status, body: { type: 'error', error: { type: TYPES[status] ?? 'api_error', message, code: e.code } }, headers: retryHeaders(status, e.data ?? {}) };
}

/** A refusal of the HTTP transport (auth, limits, unknown path, bad body) under /v1/messages, in Anthropic's shape. */
export const anthropicRefusal = (e: HttpRefusal): AnthropicErrorBody => anthropicError(e, e.status).body;

/** Anthropic's wire protocol for the shared gateway plumbing: a failed stream ends with an `error` event; a good one ends with message_stop (written by the shape). */
export const anthropicProtocol: GatewayProtocol = {
  error: (e) => anthropicError(e),
  streamError: (reply) => `event: error\ndata: ${JSON.stringify(reply.body)}\n\n`,
  streamEnd: '',
};
