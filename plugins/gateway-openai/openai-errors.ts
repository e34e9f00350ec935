import { httpStatusOf, type CodedError, type GatewayProtocol, type HttpRefusal } from '../../src/plugin-api/index.js';

/** OpenAI's error body: {error: {message, type, param, code}}, with our LLMOS_E code as `code`. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
}

/** An OpenAI error: status, body and the headers that go with it (Retry-After and x-ratelimit-* on 429). */
export interface OpenAiError {
  status: number;
  body: OpenAiErrorBody;
  headers: Record<string, string>;
}

/** OpenAI's error type for a status, as its SDKs and docs name them. */
function typeOf(status: number, code: string): string {
  if (code === 'LLMOS_EBUDGET') return 'insufficient_quota';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  return status >= 500 || status === 499 ? 'server_error' : 'invalid_request_error';
}

/** Advice written for MCP clients, said the gateway's way. */
const MCP_ADVICE: Array<[RegExp, string]> = [
  [/List models with model_list, or register one with model_register\./, 'List the models this gateway serves with GET /v1/models.'],
  [/\bmodel_list\b/g, 'GET /v1/models'],
  [/\bspawn(ed)? with model "auto"/g, 'send model "auto"'],
  [/\bspawn without tools\b/g, 'send no tools'],
];
const forGateway = (message: string) => MCP_ADVICE.reduce((m, [re, to]) => m.replace(re, to), message);

/** Retry-After and x-ratelimit-* for a 429: when to retry, and the limit that was hit where it is known. */
function rateHeaders(code: string, data: Record<string, unknown>): Record<string, string> {
  const retryS = Math.max(1, Math.ceil(Number(data.retry_after_ms ?? 1000) / 1000));
  const h: Record<string, string> = { 'retry-after': String(retryS), 'x-ratelimit-reset-requests': `${retryS}s` };
  if (code === 'LLMOS_EQUEUEFULL' && typeof data.max === 'number') Object.assign(h, { 'x-ratelimit-limit-requests': String(data.max), 'x-ratelimit-remaining-requests': '0' });
  const budget = data.budget as { tokens?: number } | undefined;
  if (code === 'LLMOS_EBUDGET' && budget?.tokens !== undefined) {
    const spent = (data.spent as { tokens: number }).tokens + (data.reserved as { tokens: number }).tokens;
    Object.assign(h, { 'x-ratelimit-limit-tokens': String(budget.tokens), 'x-ratelimit-remaining-tokens': String(Math.max(0, budget.tokens - spent)) });
  }
  return h;
}

export function openAiError(e: { code: string; message: string; data?: Record<string, unknown> }, status = httpStatusOf(e.code), param: string | null = null): OpenAiError {
  const body = { error: { message: forGateway(e.message), type: typeOf(status, e.code), param, code: e.code } };
  return { status, body, headers: status === 429 ? rateHeaders(e.code, e.data ?? {}) : {} };
}

/** A refusal of the HTTP transport (auth, limits, unknown path, bad body) as OpenAI's body. */
export const openAiRefusal = (e: HttpRefusal): OpenAiErrorBody => openAiError(e, e.status).body;

/** An error as OpenAI's; `param` is the request field it names, when the error's data.param says. */
const withParam = (e: CodedError) => openAiError(e, undefined, typeof e.data?.param === 'string' ? e.data.param : null);

/** OpenAI's wire protocol for the shared gateway plumbing: errors in its shape, a failed stream ends with an {error} event, a good one with [DONE]. */
export const openAiProtocol: GatewayProtocol = {
  error: withParam,
  streamError: (reply) => `data: ${JSON.stringify(reply.body)}\n\n`,
  streamEnd: 'data: [DONE]\n\n',
};
