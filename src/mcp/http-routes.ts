import type { ServerResponse } from 'node:http';
import type { HttpHandler, HttpRequest, HttpRouter } from '../core/http.js';
import type { Logger } from '../core/log.js';

/**
 * The plugin routes of the HTTP transport: an exact-path table consulted
 * before Express, with a small JSON body reader (POST bodies over `maxBytes`
 * get 413). A handler that throws gets a 500.
 */
export class PluginRoutes implements HttpRouter {
  private readonly table = new Map<string, HttpHandler>();

  constructor(
    private readonly maxBytes: number,
    private readonly log: Logger,
  ) {}

  get(path: string, handler: HttpHandler): void {
    this.table.set(`GET ${path}`, handler);
  }

  post(path: string, handler: HttpHandler): void {
    this.table.set(`POST ${path}`, handler);
  }

  /** Serves the request when a route matches; returns false otherwise. */
  handle(req: HttpRequest, res: ServerResponse): boolean {
    const q = req.url?.indexOf('?') ?? -1;
    const handler = this.table.get(`${req.method} ${q < 0 ? req.url : req.url!.slice(0, q)}`);
    if (!handler) return false;
    const run = () =>
      Promise.resolve()
        .then(() => handler(req, res))
        .catch((err: unknown) => {
          this.log.error({ err, url: req.url }, 'plugin route failed');
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"LLMOS_EINTERNAL: the route failed; check the server log."}}');
        });
    if (req.method !== 'POST') return void run(), true;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= this.maxBytes) chunks.push(c);
    });
    req.on('end', () => {
      if (size > this.maxBytes) return void res.writeHead(413, { 'content-type': 'application/json', connection: 'close' }).end(`{"error":{"message":"LLMOS_ETOOBIG: request body over ${this.maxBytes} bytes; send less."}}`);
      try {
        req.body = size ? JSON.parse(Buffer.concat(chunks, size).toString('utf8')) : undefined;
      } catch {
        req.body = undefined; // not JSON: the handler answers in its own protocol
      }
      void run();
    });
    return true;
  }
}
