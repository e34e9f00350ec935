import type { Tally } from './mcp-fuzz.js';

/** Statuses a /v1 answer may have, and the LLMOS codes each may carry; 500 is never one of them. */
const ALLOWED: Record<number, RegExp> = {
  400: /^LLMOS_E(INVAL|CONTEXT)$/,
  404: /^LLMOS_E(NOMODEL|NOPROC)$/,
  413: /^LLMOS_ETOOBIG$/,
  429: /^LLMOS_E(QUEUEFULL|RATELIMIT|BUDGET)$/,
  502: /^LLMOS_EUPSTREAM$/,
  503: /^LLMOS_EUNAVAILABLE$/,
  504: /^LLMOS_ETIMEDOUT$/,
};

/** An error answer says what to fix in a few lines, besides any input it quotes; more is an amplification. */
const MAX_ERROR_OWN_TEXT = 4_000;

/** What a validation library's own dump looks like: zod issues as JSON, or a JSON Schema. */
const SCHEMA_DUMP = /"code":\s*"|"path":\s*\[|"expected":|\$schema|"anyOf"|"properties":\s*\{/;

/** Why an OpenAI error body breaks the contract, or undefined: message, type and an LLMOS code that is not internal, no schema dump. */
function codedErrorBreach(body: unknown): string | undefined {
  const e = (body as { error?: { message?: unknown; type?: unknown; code?: unknown } } | null)?.error;
  if (!e || typeof e.message !== 'string' || typeof e.type !== 'string' || typeof e.code !== 'string') return `not an OpenAI error body: ${JSON.stringify(body).slice(0, 300)}`;
  if (!/^LLMOS_E[A-Z]+$/.test(e.code) || e.code === 'LLMOS_EINTERNAL') return `code ${e.code}: ${e.message.slice(0, 300)}`;
  if (SCHEMA_DUMP.test(e.message)) return `the message is a raw dump: ${e.message.slice(0, 300)}`;
  return undefined;
}

/** codedErrorBreach, and the status is the one for its code (a 4xx for bad input, never 500). */
export function errorBodyBreach(status: number, body: unknown): string | undefined {
  const breach = codedErrorBreach(body);
  if (breach) return `status ${status}: ${breach}`;
  const { code, message } = (body as { error: { code: string; message: string } }).error;
  return ALLOWED[status]?.test(code) ? undefined : `status ${status} with code ${code}: ${message.slice(0, 300)}`;
}

/** Why an SSE answer breaks the contract: every event is JSON; it ends with [DONE] or one coded error event. */
function streamBreach(text: string): string | undefined {
  const events = text.split('\n\n').filter(Boolean);
  if (events.some((ev) => !ev.startsWith('data: '))) return `not an SSE data event in: ${text.slice(0, 300)}`;
  const last = events.pop();
  for (const ev of events) JSON.parse(ev.slice(6));
  if (last === 'data: [DONE]') return undefined;
  return last ? codedErrorBreach(JSON.parse(last.slice(6))) : 'an empty stream';
}

/** Why one answer breaks the contract; the tally counts it by status and code. */
export async function answerBreach(res: Response, tally: Tally, requestChars: number): Promise<string | undefined> {
  const text = await res.text();
  if (res.status !== 200 && text.length > MAX_ERROR_OWN_TEXT + requestChars) return `an error answer of ${text.length} characters to a request of ${requestChars}: ${text.slice(0, 300)}`;
  const type = res.headers.get('content-type') ?? '';
  if (res.status === 200 && type.startsWith('text/event-stream')) {
    tally.set('200 stream', (tally.get('200 stream') ?? 0) + 1);
    return streamBreach(text);
  }
  let body: { object?: string; choices?: unknown[]; error?: { code?: string } };
  try {
    body = JSON.parse(text);
  } catch {
    return `status ${res.status} with a body that is not JSON: ${text.slice(0, 300)}`;
  }
  tally.set(`${res.status} ${body.error?.code ?? 'ok'}`, (tally.get(`${res.status} ${body.error?.code ?? 'ok'}`) ?? 0) + 1);
  if (res.status === 200) return body.object === 'chat.completion' && Array.isArray(body.choices) ? undefined : `200 without a chat.completion: ${text.slice(0, 300)}`;
  return errorBodyBreach(res.status, body);
}

/** POSTs one body to /v1/chat/completions; a breach or a hang (past timeoutMs) throws. */
export async function postChecked(url: string, token: string, body: string, tally: Tally, timeoutMs: number): Promise<void> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const breach = await answerBreach(res, tally, body.length);
  if (breach) throw new Error(breach);
}
