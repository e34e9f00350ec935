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
    const answer = new Answer(read, signal, resolve, reject);
    to.dispatcher.dispatch({ origin: to.origin, path: to.basePath + path, method: 'POST', headers: to.headers, body: JSON.stringify(body), headersTimeout: to.timeoutMs, bodyTimeout: to.timeoutMs }, answer);
  });
}

/** One call's answer as undici's parser hands it over; settles the call once, whatever comes first (the end, a failure, the caller's abort). */
class Answer<T> implements Dispatcher.DispatchHandler {
  private controller?: Dispatcher.DispatchController;
  private reader?: BodyReader<T>;
  private status = 0;
  private headers: IncomingHttpHeaders = {};
  /** The body of a status outside 2xx, read whole for its error. */
  private errorBody?: Buffer[];
  private settled = false;
  private readonly onAbort = () => {
    this.fail(this.signal.reason);
    this.controller?.abort(this.signal.reason); // not started yet (queued for a socket): onRequestStart aborts it
  };

  constructor(
    private readonly read: (headers: IncomingHttpHeaders) => BodyReader<T>,
    private readonly signal: AbortSignal,
    private readonly resolve: (out: T) => void,
    private readonly reject: (e: unknown) => void,
  ) {
    signal.addEventListener('abort', this.onAbort);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.signal.aborted) controller.abort(this.signal.reason);
  }

  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    if (statusCode < 200) return; // informational (100 Continue): the answer's own headers follow
    this.status = statusCode;
    this.headers = headers;
    if (statusCode >= 300) this.errorBody = [];
    else this.guarded(() => (this.reader = this.read(headers)));
  }

  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.errorBody) this.errorBody.push(chunk);
    else if (this.reader && !this.settled) this.guarded(() => this.reader!.data(chunk));
  }

  onResponseEnd(): void {
    if (this.settled) return;
    if (this.errorBody) return this.fail(statusError(this.status, this.headers, Buffer.concat(this.errorBody).toString('utf8')));
    this.guarded(() => {
      const out = this.reader!.end();
      if (this.settle()) this.resolve(out);
    });
  }

  onResponseError(_c: Dispatcher.DispatchController, e: Error): void {
    this.fail(failure(e, this.signal));
  }

  /** Runs a reader's step; a throw fails the call with what it threw and destroys the request. */
  private guarded(step: () => void): void {
    try {
      step();
    } catch (e) {
      this.fail(e);
      this.controller?.abort(e as Error);
    }
  }

  private fail(e: unknown): void {
    if (this.settle()) this.reject(e);
  }

  /** True the first time: the call is settled now. */
  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.signal.removeEventListener('abort', this.onAbort);
    return true;
  }
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
