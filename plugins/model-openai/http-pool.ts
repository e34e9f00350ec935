import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';

/**
 * model-openai's HTTP transport: keep-alive node:http/https pools (one per
 * client), one request on them with the abort and resend-after-reset rules
 * below, and the non-streaming JSON call made directly on them (jsonPoster).
 * http-fetch.ts wraps the same pools in a WHATWG fetch for the openai client
 * (streams, embeddings, health probes).
 */
export interface HttpPool {
  /**
   * One request, answered as node:http's own response. `answer` gets the
   * response and `done`, to call once its body is read or failed; it returns
   * how to fail the body on a later abort. `fail` gets TypeError('fetch
   * failed', { cause }) (cause: the socket error) or the abort reason, at
   * most once and never after `answer`. An aborted `signal` destroys the
   * request (the server sees the client go).
   */
  send(url: URL, method: string, headers: Record<string, string>, body: string | Uint8Array | undefined, signal: AbortSignal | undefined, answer: Answer, fail: (reason: unknown) => void): void;
  /** Frees the pooled sockets; later calls open new ones. */
  close(): void;
}

/** What receives a response: see HttpPool.send. */
export type Answer = (res: http.IncomingMessage, done: () => void) => ((reason: unknown) => void) | undefined;

export interface HttpPoolOptions {
  /** Concurrent sockets per host and scheme (default 256). */
  maxSockets?: number;
}

export const abortReason = (signal: AbortSignal): unknown => signal.reason ?? new DOMException('This operation was aborted', 'AbortError');

/** The decoder for a Content-Encoding, or undefined for identity / unknown codings. */
export function decoderFor(encoding: string | undefined): NodeJS.ReadWriteStream | undefined {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    case 'deflate':
      return zlib.createInflate({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return undefined;
  }
}

/**
 * One request. A keep-alive socket the server closed while it sat in the
 * pool fails at once with ECONNRESET/EPIPE before any answer; such a
 * request (almost always) never reached the server, so it is sent once
 * more on a fresh connection, as Node's docs advise for
 * request.reusedSocket. A reset on a fresh connection is the server's
 * answer and goes to the kernel's retry policy.
 */
function sendOn(mod: typeof http | typeof https, options: http.RequestOptions, body: string | Uint8Array | undefined, signal: AbortSignal | undefined, answer: Answer, reject: (reason: unknown) => void): void {
  const req = mod.request(options);
  let failBody: ((reason: unknown) => void) | undefined;
  const onAbort = () => {
    const reason = abortReason(signal!);
    req.destroy();
    if (failBody) failBody(reason);
    else reject(reason);
  };
  const done = () => signal?.removeEventListener('abort', onAbort);
  signal?.addEventListener('abort', onAbort, { once: true });
  req.on('error', (e: NodeJS.ErrnoException) => {
    if (failBody || signal?.aborted) return; // reported through the body, or as the abort
    done();
    if (req.reusedSocket && (e.code === 'ECONNRESET' || e.code === 'EPIPE') && options.agent !== false) return sendOn(mod, { ...options, agent: false }, body, signal, answer, reject);
    reject(new TypeError('fetch failed', { cause: e }));
  });
  req.once('response', (res) => (failBody = answer(res, done)));
  req.end(body);
}

/** Builds a client's pools. */
export function createHttpPool(opts: HttpPoolOptions = {}): HttpPool {
  const agentOpts = { keepAlive: true, maxSockets: opts.maxSockets ?? 256, scheduling: 'lifo' as const };
  const agents = { 'http:': new http.Agent(agentOpts), 'https:': new https.Agent(agentOpts) };
  return {
    send(url, method, headers, body, signal, answer, fail) {
      if (signal?.aborted) return fail(abortReason(signal));
      const secure = url.protocol === 'https:';
      const options: http.RequestOptions = {
        agent: agents[secure ? 'https:' : 'http:'],
        protocol: url.protocol,
        hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
        port: url.port || undefined,
        path: url.pathname + url.search,
        method,
        headers,
        ...(url.username && { auth: `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` }),
      };
      sendOn(secure ? https : http, options, body, signal, answer, fail);
    },
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}

/** POSTs `body` as JSON to `path` under the base URL and resolves with the parsed answer. */
export type JsonPost = (path: string, body: unknown, signal: AbortSignal) => Promise<unknown>;

export interface JsonPostConfig {
  /** The client's base URL ("…/v1"). */
  baseURL: string;
  apiKey: string;
  /** options.headers: sent on every call, over the defaults. */
  headers: Record<string, string>;
  /** options.request_timeout_ms: the whole call, headers and body. */
  timeoutMs: number;
}

/** A status outside 2xx as the openai client reports it: its own APIError subclass, message and headers. */
function statusError(res: http.IncomingMessage, text: string): APIError {
  const headers = new Headers();
  for (let i = 0; i < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return APIError.generate(res.statusCode, json as object | undefined, json ? undefined : text, headers);
}

/** The body of a 2xx answer as the openai client parses it: JSON when the content type says so, else the text. */
function parsed(res: http.IncomingMessage, text: string): unknown {
  return /json/i.test(res.headers['content-type'] ?? '') ? JSON.parse(text) : text;
}

/**
 * Reads a whole answer, then settles through `settle`: a 2xx with its parsed
 * body, another status with statusError; a body cut short with
 * TypeError('terminated', { cause }), as a body read through fetch fails.
 * Returns how to fail it on a later abort.
 */
function readWhole(res: http.IncomingMessage, done: () => void, settle: (fn: (resolve: (v: unknown) => void, reject: (e: unknown) => void) => void) => void): (reason: unknown) => void {
  const decoder = decoderFor(res.headers['content-encoding']);
  const src = decoder ? res.pipe(decoder) : res;
  const chunks: Buffer[] = [];
  const fail = (reason: unknown) => {
    done();
    res.destroy();
    settle((_, reject) => reject(reason));
  };
  src.on('data', (b: Buffer) => chunks.push(b));
  src.once('end', () => {
    done();
    settle((resolve, reject) => {
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve(parsed(res, text));
        else reject(statusError(res, text));
      } catch (e) {
        reject(e);
      }
    });
  });
  src.once('error', (e: Error) => fail(new TypeError('terminated', { cause: e })));
  res.once('close', () => !res.complete && fail(new TypeError('terminated', { cause: Object.assign(new Error('other side closed'), { code: 'ECONNRESET' }) })));
  return fail;
}

/**
 * The non-streaming call without the openai client's per-call machinery
 * (WHATWG Headers and Response objects, request logging), which was ~12% of
 * the gateway's CPU per request. One POST on the connection's keep-alive
 * pool (HttpPool.send: its abort and resend-after-reset rules).
 * Outcomes match `client.post(path, { body })` with maxRetries 0, so
 * upstreamError maps them as before:
 *  - 2xx: the parsed body (a SyntaxError for malformed JSON);
 *  - other statuses: the client's own APIError.generate(status, body, text, headers);
 *  - a socket failure: APIConnectionError with the cause; past timeoutMs: APIConnectionTimeoutError;
 *  - an aborted signal: its reason.
 */
export function jsonPoster(pool: HttpPool, c: JsonPostConfig): JsonPost {
  const base = c.baseURL.replace(/\/+$/, '');
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'application/json', authorization: `Bearer ${c.apiKey}` };
  for (const [k, v] of Object.entries(c.headers)) headers[k.toLowerCase()] = v;
  return (path, body, signal) =>
    new Promise((resolve, reject) => {
      // One controller per call, aborted by the caller's signal or the timeout (cheaper than AbortSignal.any).
      const call = new AbortController();
      const onAbort = () => call.abort(signal.reason);
      const timer = setTimeout(() => call.abort(new APIConnectionTimeoutError()), c.timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        fn();
      };
      const answer: Answer = (res, done) => readWhole(res, done, (fn) => settle(() => fn(resolve, reject)));
      // Before an answer: the abort's reason as it is, a socket failure as the client wraps it.
      const onFail = (reason: unknown) => settle(() => reject(reason instanceof TypeError ? new APIConnectionError({ cause: reason }) : reason));
      if (signal.aborted) call.abort(signal.reason);
      const data = JSON.stringify(body);
      pool.send(new URL(base + path), 'POST', { ...headers, 'content-length': String(Buffer.byteLength(data)) }, data, call.signal, answer, onFail);
    });
}
