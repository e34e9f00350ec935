import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import type { IncomingHttpHeaders } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import type { Dispatcher } from 'undici';
import { statusError } from './errors.js';
import { webHeaders } from './web-headers.js';
import type { DirectPost } from './connection.js';

/**
 * Calls straight on the connection's pool, without the openai client's
 * per-call machinery (WHATWG Headers, Response and streams, request logging:
 * ~12% of the gateway's CPU per request) and without undici's own body
 * stream: the answer's bytes are read in undici's parser callbacks. Outcomes
 * match the client's with maxRetries 0, so upstreamError maps them alike:
 *  - other statuses than 2xx: the client's own APIError for the status, body and headers;
 *  - a socket failure: APIConnectionError with the cause; no answer, or a
 *    pause in it, longer than timeoutMs: APIConnectionTimeoutError;
 *  - an aborted signal: its reason, and the request is destroyed (the server sees the client go).
 */

/** POSTs `body` as JSON to `path` under the base URL; the parsed answer (a SyntaxError for malformed JSON). */
export function postJson(to: DirectPost, path: string, body: unknown, signal: AbortSignal): Promise<unknown> {
  return exchange(to, path, body, signal, (headers) => {
    const chunks: Buffer[] = [];
    return {
      data: (chunk) => void chunks.push(chunk),
      end: () => {
        const text = Buffer.concat(chunks).toString('utf8');
        return /json/i.test(String(headers['content-type'] ?? '')) ? JSON.parse(text) : text;
      },
    };
  });
}

/**
 * POSTs `body` as JSON and hands `onMessage` each message of the server-sent
 * event stream that answers, parsed as JSON, as it arrives, until
 * `data: [DONE]` (the rest of the body is read and dropped) or the end of the
 * body; lines end in LF or CRLF. Resolves at the body's end. A message that
 * carries `error`, or an `error` event, is the client's APIError for it, as
 * the client's stream throws; malformed JSON is a SyntaxError. When
 * `onMessage` throws, the request is destroyed and the call rejects with
 * what it threw.
 */
export function postSse(to: DirectPost, path: string, body: unknown, signal: AbortSignal, onMessage: (message: unknown) => void): Promise<void> {
  return exchange(to, path, body, signal, (headers) => {
    const utf8 = new StringDecoder('utf8'); // undici hands over bytes: a character may be cut between two reads
    const sse = new SseMessages(headers, onMessage);
    return { data: (chunk) => sse.push(utf8.write(chunk)), end: () => sse.end(utf8.end()) };
  });
}

/** What a call does with a 2xx answer's body: each piece as it arrives, then its end. Either may throw: the call fails with that, and the request is destroyed. */
interface BodyReader<T> {
  data(chunk: Buffer): void;
  end(): T;
}

/**
 * The POST, on undici's dispatch API with its own per-socket timers (not a
 * controller and a timer per call: 2% of a gateway request's CPU). A 2xx
 * answer's body goes to the reader `read(headers)` returns; any other status
 * is read whole and rejected as the client's APIError for it.
 */
function exchange<T>(to: DirectPost, path: string, body: unknown, signal: AbortSignal, read: (headers: IncomingHttpHeaders) => BodyReader<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    let controller: Dispatcher.DispatchController | undefined;
    let reader: BodyReader<T> | undefined;
    let status = 0;
    let headers: IncomingHttpHeaders = {};
    let errorBody: Buffer[] | undefined;
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => {
      settle(() => reject(signal.reason));
      controller?.abort(signal.reason); // not started yet (queued for a socket): onRequestStart aborts it
    };
    /** Runs the reader's step; a throw fails the call with what it threw and destroys the request. */
    const guarded = (step: () => void) => {
      try {
        step();
      } catch (e) {
        settle(() => reject(e));
        controller?.abort(e as Error);
      }
    };
    signal.addEventListener('abort', onAbort);
    to.dispatcher.dispatch(
      { origin: to.origin, path: to.basePath + path, method: 'POST', headers: to.headers, body: JSON.stringify(body), headersTimeout: to.timeoutMs, bodyTimeout: to.timeoutMs },
      {
        onRequestStart(c) {
          controller = c;
          if (signal.aborted) c.abort(signal.reason);
        },
        onResponseStart(_c, statusCode, h) {
          if (statusCode < 200) return; // informational (100 Continue): the answer's own headers follow
          status = statusCode;
          headers = h;
          if (statusCode >= 300) errorBody = [];
          else guarded(() => (reader = read(h)));
        },
        onResponseData(_c, chunk) {
          if (errorBody) errorBody.push(chunk);
          else if (reader && !settled) guarded(() => reader!.data(chunk));
        },
        onResponseEnd() {
          if (settled) return;
          if (errorBody) return settle(() => reject(statusError(status, headers, Buffer.concat(errorBody!).toString('utf8'))));
          guarded(() => {
            const out = reader!.end();
            settle(() => resolve(out));
          });
        },
        onResponseError(_c, e) {
          settle(() => reject(failure(e, signal)));
        },
      },
    );
  });
}

/** What a direct call throws for `e`, as the openai client would have. */
function failure(e: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason;
  if (UNDICI_TIMEOUTS.has((e as { code?: unknown }).code)) return new APIConnectionTimeoutError();
  return e instanceof APIError || e instanceof SyntaxError ? e : new APIConnectionError({ cause: e as Error });
}

/** undici's errors for an answer that did not start, or paused, past the timeout. */
const UNDICI_TIMEOUTS = new Set<unknown>(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Server-sent events as they arrive in pieces: each whole message's data, parsed, to `onMessage`, up to `data: [DONE]`. */
class SseMessages {
  private rest = '';
  private data: string[] = [];
  private event: string | undefined;
  private done = false;

  constructor(
    /** The answer's headers, for the APIError of an error message. */
    private readonly headers: IncomingHttpHeaders,
    private readonly onMessage: (message: unknown) => void,
  ) {}

  /** Hands on the messages that `chunk` completes. */
  push(chunk: string): void {
    if (this.done) return;
    const text = this.rest + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0 && !this.done; start = nl + 1, nl = text.indexOf('\n', start)) {
      const line = text.charCodeAt(nl - 1) === 13 && nl > start ? text.slice(start, nl - 1) : text.slice(start, nl);
      if (line === '') this.dispatch();
      else this.field(line);
    }
    this.rest = this.done ? '' : text.slice(start);
  }

  /** Hands on the messages `last` completes, and the last one when the body ends without its blank line. */
  end(last: string): void {
    this.push(last);
    if (this.done) return;
    if (this.rest !== '') this.field(this.rest.replace(/\r$/, ''));
    this.rest = '';
    this.dispatch();
  }

  private field(line: string): void {
    if (line.startsWith(':')) return; // a comment (keep-alive)
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.charCodeAt(colon + 1) === 32 ? line.slice(colon + 2) : line.slice(colon + 1);
    if (name === 'data') this.data.push(value);
    else if (name === 'event') this.event = value;
  }

  private dispatch(): void {
    const { data, event } = this;
    this.event = undefined;
    if (data.length === 0) return;
    this.data = [];
    const text = data.length === 1 ? data[0] : data.join('\n');
    if (text.startsWith('[DONE]')) {
      this.done = true;
      return;
    }
    const message = JSON.parse(text) as { error?: object; message?: string } | null;
    if (event === 'error') throw new APIError(undefined, message?.error, message?.message, webHeaders(this.headers));
    if (message?.error) throw new APIError(undefined, message.error, undefined, webHeaders(this.headers));
    this.onMessage(message);
  }
}
