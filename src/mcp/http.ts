import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { LlmosError } from '../core/errors.js';
import type { HttpRequest, HttpRoutes } from '../core/http.js';
import type { Kernel } from '../kernel/kernel.js';
import { params } from '../kernel/params.js';
import { AuthFailures } from './auth-failures.js';
import { httpGuard, LOOPBACK, type GuardOptions, type Refuse } from './http-guard.js';
import { httpLimits, limitConnections, timeoutOptions, type HttpLimits } from './http-limits.js';
import { PluginRoutes } from './http-routes.js';
import { SessionTable } from './http-sessions.js';
import { openSse, postSse, rpcError, streamableHttp } from './http-transports.js';

export interface HttpOptions extends GuardOptions {
  /** The port to bind; 0 picks a free one. */
  port: number;
  /** Extra plugin-style routes, besides those the kernel's plugins add. */
  mount?: HttpRoutes;
  /** Bounds of this server; each defaults to its LLMOS_* variable (see params). */
  limits?: Partial<HttpLimits>;
}

/** Body too large, unparsable JSON, or anything else a handler threw, as a JSON-RPC error. */
function errorHandler(kernel: Kernel) {
  return (err: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    if (err.type === 'request.aborted' || res.headersSent) return void res.end(); // the client went away (or timed out): no one to answer
    if (err.type === 'entity.too.large') return rpcError(res, 413, `LLMOS_ETOOBIG: request body over ${params.maxInputBytes * 4} bytes; send less.`);
    if (err.type === 'entity.parse.failed') return res.status(400).json({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
    kernel.log.error({ err }, 'http request failed');
    return rpcError(res, err.status ?? 500, 'LLMOS_EINTERNAL: request failed; check the server log.');
  };
}

/** The Express app of the MCP transports and /healthz (which tells a caller without a valid token only that the server is up). */
function mcpApp(kernel: Kernel, sessions: SessionTable, limits: HttpLimits, authenticated: WeakSet<IncomingMessage>): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: params.maxInputBytes * 4 }));
  app.get('/healthz', (req, res) => {
    res.json(authenticated.has(req) ? { ok: true, version: kernel.version, uptime_ms: Date.now() - kernel.started, sessions: sessions.size } : { ok: true });
  });
  app.all('/mcp', streamableHttp(kernel, sessions, limits));
  app.get('/sse', openSse(kernel, sessions, limits));
  app.post('/messages', postSse(sessions));
  app.use(errorHandler(kernel));
  return app;
}

/**
 * The HTTP server: bounded in time per request and in connections per client
 * address; every request passes the guard; plugin routes are served before
 * Express, everything else by it.
 */
function guardedServer(kernel: Kernel, o: HttpOptions, limits: HttpLimits, app: express.Express, authenticated: WeakSet<IncomingMessage>): HttpServer {
  const routes = new PluginRoutes(params.maxInputBytes * 4, kernel.log);
  for (const add of [...kernel.httpRoutes, ...(o.mount ? [o.mount] : [])]) add(routes);
  const refuse: Refuse = (req, res, e, headers) => routes.refuse(req, res, e, headers);
  const guard = httpGuard({ ...o, isPublic: (url) => routes.isPublic(url) }, new AuthFailures(limits.authMaxFailures, limits.authFailureWindowMs), refuse);
  const server = createServer(timeoutOptions(limits));
  const refused = limitConnections(server, limits.maxConnectionsPerClient, refuse);
  server.on('request', (req, res) => {
    if (refused(req, res)) return;
    guard(req, res, (caller) => {
      if (caller.user) (req as HttpRequest).user = caller.user;
      if (caller.pathToken) (req as HttpRequest).pathToken = true;
      if (caller.authenticated) authenticated.add(req);
      return routes.handle(req, res) || app(req, res);
    });
  });
  return server;
}

/**
 * Streamable HTTP at /mcp (one MCP server per session, as the SDK requires),
 * the legacy SSE transport at /sse + /messages, and /healthz. Refuses to bind
 * a non-loopback address without a bearer token.
 */
export async function serveHttp(kernel: Kernel, o: HttpOptions): Promise<{ url: string; port: number; server: HttpServer; close: () => Promise<void> }> {
  if (!LOOPBACK.has(o.host) && !o.token && !Object.keys(o.users ?? {}).length)
    throw new LlmosError('LLMOS_EPERM', `refusing to serve on non-loopback address ${o.host} without LLMOS_AUTH_TOKEN or LLMOS_AUTH_TOKENS; set a token or bind 127.0.0.1.`);
  const limits = httpLimits(o.limits);
  const sessions = new SessionTable(limits, kernel.log);
  const authenticated = new WeakSet<IncomingMessage>();
  const server = guardedServer(kernel, o, limits, mcpApp(kernel, sessions, limits, authenticated), authenticated);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  }).catch(async (e: unknown) => {
    await sessions.closeAll();
    throw e;
  });
  const port = (server.address() as AddressInfo).port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  kernel.transports.add('streamable-http').add('sse');
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    close: async () => {
      await sessions.closeAll();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
