import type { ServerResponse } from 'node:http';
import type { HttpErrorFormat, HttpHandler, HttpRefusal, HttpRequest, HttpRouter } from '../core/http.js';
import type { Logger } from '../core/log.js';

/** The transport's own refusal body where no plugin claimed the path: a JSON-RPC error, as MCP clients expect. */
export const rpcRefusal = (e: HttpRefusal): unknown => ({ jsonrpc: '2.0', id: null, error: { code: -32001, message: `${e.code}: ${e.message}` } });

const pathOf = (url: string | undefined): string => {
  const q = url?.indexOf('?') ?? -1;
  return q < 0 ? (url ?? '/') : url!.slice(0, q);
};

/**
 * The plugin routes of the HTTP transport: an exact-path table consulted
 * before Express, a prefix ("…/*") table for GET routes with an id, a small
 * JSON body reader, and the error formats of claimed path prefixes (see
 * HttpRouter.claim). Under a claimed prefix every answer is the route
 * family's own: an unknown path gets 404, another method 405, a body over
 * `maxBytes` 413, a body that is not JSON 400, a handler that throws 500.
 */
export class PluginRoutes implements HttpRouter {
  private readonly table = new Map<string, HttpHandler>();
  private readonly prefixed: Array<[prefix: string, handler: HttpHandler]> = [];
  private readonly claims: Array<[prefix: string, format: HttpErrorFormat]> = [];

  constructor(
    private readonly maxBytes: number,
    private readonly log: Logger,
  ) {}

  private readonly open = new Set<string>();

  get(path: string, handler: HttpHandler, opts: { public?: boolean } = {}): void {
    if (path.endsWith('/*')) this.prefixed.push([path.slice(0, -1), handler]);
    else this.table.set(`GET ${path}`, handler);
    if (opts.public && !path.endsWith('/*')) this.open.add(path);
  }

  /** Whether a GET of `url` is a public route (see HttpRouter.get). */
  isPublic(url: string | undefined): boolean {
    return this.open.size > 0 && this.open.has(pathOf(url));
  }

  post(path: string, handler: HttpHandler): void {
    this.table.set(`POST ${path}`, handler);
  }

  claim(prefix: string, format: HttpErrorFormat): void {
    this.claims.push([prefix.replace(/\/$/, ''), format]);
    this.claims.sort(([a], [b]) => b.length - a.length);
  }

  /** The error format of the longest claim that covers `url` (/v1/messages before /v1), if any. */
  formatFor(url: string | undefined): HttpErrorFormat | undefined {
    const path = pathOf(url);
    return this.claims.find(([p]) => path === p || path.startsWith(`${p}/`))?.[1];
  }

  /** Writes a refusal in the shape of the path's claim, or as JSON-RPC. */
  refuse(req: HttpRequest, res: ServerResponse, e: HttpRefusal, headers: Record<string, string> = {}): void {
    if (res.headersSent) return void res.end();
    const body = JSON.stringify((this.formatFor(req.url) ?? rpcRefusal)(e));
    res.writeHead(e.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers }).end(body);
  }

  /** Serves the request when a route matches or a claim covers it; returns false otherwise. */
  handle(req: HttpRequest, res: ServerResponse): boolean {
    const path = pathOf(req.url);
    const handler = this.table.get(`${req.method} ${path}`) ?? (req.method === 'GET' ? this.byPrefix(req, path) : undefined);
    if (!handler) return this.formatFor(path) ? (this.notServed(req, res, path), true) : false;
    const run = () =>
      Promise.resolve()
        .then(() => handler(req, res))
        .catch((err: unknown) => {
          this.log.error({ err, url: req.url }, 'plugin route failed');
          this.refuse(req, res, { status: 500, code: 'LLMOS_EINTERNAL', message: 'the route failed; check the server log.' });
        });
    if (req.method !== 'POST') return void run(), true;
    this.readBody(req, res, run);
    return true;
  }

  private byPrefix(req: HttpRequest, path: string): HttpHandler | undefined {
    for (const [prefix, handler] of this.prefixed) {
      if (!path.startsWith(prefix) || path.length === prefix.length) continue;
      try {
        req.params = { id: decodeURIComponent(path.slice(prefix.length)) };
      } catch {
        return undefined;
      }
      return handler;
    }
    return undefined;
  }

  /** 405 naming the methods the path has, or 404. */
  private notServed(req: HttpRequest, res: ServerResponse, path: string): void {
    const allowed = ['GET', 'POST'].filter((m) => this.table.has(`${m} ${path}`));
    if (allowed.length) return this.refuse(req, res, { status: 405, code: 'LLMOS_EINVAL', message: `${req.method} is not allowed on ${path}; use ${allowed.join(' or ')}.` }, { allow: allowed.join(', ') });
    const all = [...[...this.table.keys()].map((k) => k.split(' ')[1]), ...this.prefixed.map(([p]) => `${p}{id}`)];
    const paths = [...new Set(all.filter((p) => this.formatFor(p) === this.formatFor(path)))];
    this.refuse(req, res, { status: 404, code: 'LLMOS_ENOSYS', message: `no route ${req.method} ${path.slice(0, 200)}; this server serves ${paths.join(', ')}.` });
  }

  /**
   * Reads a POST body as JSON; over maxBytes is 413, and under a claim a body
   * that is not JSON is 400. A body up to twice maxBytes is read to its end
   * before the 413, so the client, still sending, gets the answer rather than
   * a reset. A longer one is not read: announced by Content-Length, it gets
   * the 413 at once and the connection closes; found while reading, the
   * connection is dropped at twice maxBytes.
   */
  private readBody(req: HttpRequest, res: ServerResponse, run: () => void): void {
    const tooLarge = () => this.refuse(req, res, { status: 413, code: 'LLMOS_ETOOBIG', message: `request body over ${this.maxBytes} bytes; send less.` }, { connection: 'close' });
    const readAtMost = 2 * this.maxBytes;
    if (Number(req.headers['content-length']) > readAtMost) return tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= this.maxBytes) return void chunks.push(c);
      chunks.length = 0; // refused: nothing read is kept
      if (size > readAtMost) req.socket.destroy();
    });
    req.on('end', () => {
      if (size > this.maxBytes) return tooLarge();
      try {
        req.body = size ? JSON.parse(Buffer.concat(chunks, size).toString('utf8')) : undefined;
      } catch (e) {
        req.body = undefined; // not JSON: an unclaimed handler answers in its own protocol
        if (this.formatFor(req.url))
          return this.refuse(req, res, { status: 400, code: 'LLMOS_EINVAL', message: `the request body is not valid JSON (${(e as Error).message.slice(0, 200)}); send a JSON object with Content-Type: application/json.` });
      }
      run();
    });
  }
}
