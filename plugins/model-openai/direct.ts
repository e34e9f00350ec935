import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { StringDecoder } from 'node:string_decoder';
import type { Dispatcher } from 'undici';
import { statusError } from './errors.js';
import { webHeaders } from './web-headers.js';
import type { DirectPost } from './connection.js';

/**
 * Calls straight on the connection's pool, without the openai client's
 * per-call machinery (WHATWG Headers, Response and streams, request logging:
 * ~12% of the gateway's CPU per request). Outcomes match the client's with
 * maxRetries 0, so upstreamError maps them alike:
 *  - other statuses than 2xx: the client's own APIError for the status, body and headers;
 *  - a socket failure: APIConnectionError with the cause; no answer, or a
 *    pause in it, longer than timeoutMs: APIConnectionTimeoutError;
 *  - an aborted signal: its reason, and the request is destroyed (the server sees the client go).
 */

/** POSTs `body` as JSON to `path` under the base URL; the parsed answer (a SyntaxError for malformed JSON). */
export async function postJson(to: DirectPost, path: string, body: unknown, signal: AbortSignal): Promise<unknown> {
  try {
    const res = await post(to, path, body, signal);
    const text = await res.body.text();
    return /json/i.test(String(res.headers['content-type'] ?? '')) ? JSON.parse(text) : text;
  } catch (e) {
    throw failure(e, signal);
  }
}

/**
 * POSTs `body` as JSON and yields each message of the server-sent event
 * stream that answers, parsed as JSON, until `data: [DONE]` (the rest of the
 * body is read and dropped) or the end of the body; lines end in LF or CRLF.
 * A message that carries `error`, or an `error` event, is the client's
 * APIError for it, as the client's stream throws; malformed JSON is a
 * SyntaxError. Leaving the loop early destroys the request.
 */
export async function* postSse(to: DirectPost, path: string, body: unknown, signal: AbortSignal): AsyncGenerator<unknown> {
  let res: Dispatcher.ResponseData | undefined;
  try {
    res = await post(to, path, body, signal);
    const utf8 = new StringDecoder('utf8'); // undici's body decodes each read alone, splitting characters cut between reads
    const sse = new SseMessages(webHeaders(res.headers));
    // To the body's end even after [DONE], as the client reads: leaving the loop early destroys the body with an AbortError, stack trace and all.
    for await (const bytes of res.body as AsyncIterable<Buffer>) yield* sse.push(utf8.write(bytes));
    yield* sse.end(utf8.end());
  } catch (e) {
    throw failure(e, signal);
  } finally {
    res?.body.destroy();
  }
}

/** The POST with undici's own per-socket timers (not a controller and a timer per call: 2% of a gateway request's CPU); a status outside 2xx is thrown. */
async function post(to: DirectPost, path: string, body: unknown, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
  signal.throwIfAborted();
  const res = await to.dispatcher.request({ origin: to.origin, path: to.basePath + path, method: 'POST', headers: to.headers, body: JSON.stringify(body), signal, headersTimeout: to.timeoutMs, bodyTimeout: to.timeoutMs });
  if (res.statusCode < 200 || res.statusCode >= 300) throw statusError(res.statusCode, res.headers, await res.body.text());
  return res;
}

/** What a direct call throws for `e`, as the openai client would have. */
function failure(e: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason;
  if (UNDICI_TIMEOUTS.has((e as { code?: unknown }).code)) return new APIConnectionTimeoutError();
  return e instanceof APIError || e instanceof SyntaxError ? e : new APIConnectionError({ cause: e as Error });
}

/** undici's errors for an answer that did not start, or paused, past the timeout. */
const UNDICI_TIMEOUTS = new Set<unknown>(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Server-sent events as they arrive in pieces: each whole message's data, parsed, up to `data: [DONE]`. */
class SseMessages {
  private rest = '';
  private data: string[] = [];
  private event: string | undefined;
  private done = false;

  constructor(private readonly headers: Headers) {}

  /** The messages that `chunk` completes. */
  *push(chunk: string): Generator<unknown> {
    if (this.done) return;
    const text = this.rest + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0 && !this.done; start = nl + 1, nl = text.indexOf('\n', start)) {
      const line = text.charCodeAt(nl - 1) === 13 && nl > start ? text.slice(start, nl - 1) : text.slice(start, nl);
      if (line === '') yield* this.dispatch();
      else this.field(line);
    }
    this.rest = this.done ? '' : text.slice(start);
  }

  /** The messages `last` completes, and the last one when the body ends without its blank line. */
  *end(last: string): Generator<unknown> {
    yield* this.push(last);
    if (this.done) return;
    if (this.rest !== '') this.field(this.rest.replace(/\r$/, ''));
    this.rest = '';
    yield* this.dispatch();
  }

  private field(line: string): void {
    if (line.startsWith(':')) return; // a comment (keep-alive)
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.charCodeAt(colon + 1) === 32 ? line.slice(colon + 2) : line.slice(colon + 1);
    if (name === 'data') this.data.push(value);
    else if (name === 'event') this.event = value;
  }

  private *dispatch(): Generator<unknown> {
    const { data, event } = this;
    this.data = [];
    this.event = undefined;
    if (data.length === 0) return;
    const text = data.join('\n');
    if (text.startsWith('[DONE]')) {
      this.done = true;
      return;
    }
    const message = JSON.parse(text) as { error?: object; message?: string } | null;
    if (event === 'error') throw new APIError(undefined, message?.error, message?.message, this.headers);
    if (message?.error) throw new APIError(undefined, message.error, undefined, this.headers);
    yield message;
  }
}
