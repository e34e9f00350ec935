import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { LlmosError } from '../core/errors.js';
import type { Kernel } from '../kernel/kernel.js';
import { params } from '../kernel/params.js';
import { httpGuard, LOOPBACK, type GuardOptions } from './http-guard.js';
import { PluginRoutes } from './http-routes.js';
import type { HttpRequest, HttpRoutes } from '../core/http.js';
import { createMcpServer } from './server.js';

export interface HttpOptions extends GuardOptions {
  /** The port to bind; 0 picks a free one. */
  port: number;
  /** Extra plugin-style routes, besides those the kernel's plugins add. */
  mount?: HttpRoutes;
}

interface Live {
  transport: StreamableHTTPServerTransport | SSEServerTransport;
  close: () => Promise<void>;
}

type Sessions = Map<string, Live>;

const rpcError = (res: Response, status: number, message: string) => res.status(status).json({ jsonrpc: '2.0', id: null, error: { code: -32000, message } });

/** A named user's sessions share one owner (so budgets and processes follow the user); others get one each. */
const ownerFor = (req: HttpRequest, transport: string, sessionId: string) => (req.user ? `user:${req.user}` : `${transport}:${sessionId.slice(0, 8)}`);

/** ALL /mcp: a request of a known Streamable HTTP session, or an initialize request that opens one (one MCP server per session). */
function streamableHttp(kernel: Kernel, sessions: Sessions) {
  return async (req: Request, res: Response) => {
    const id = req.headers['mcp-session-id'];
    const live = typeof id === 'string' ? sessions.get(id) : undefined;
    if (live) {
      if (!(live.transport instanceof StreamableHTTPServerTransport)) return rpcError(res, 400, 'session belongs to the SSE transport');
      return live.transport.handleRequest(req, res, req.body);
    }
    if (id !== undefined) return rpcError(res, 404, 'LLMOS_ENOPROC: unknown or expired MCP session; initialize a new one.');
    if (req.method !== 'POST' || !isInitializeRequest(req.body)) return rpcError(res, 400, 'no MCP session: send an initialize request first.');
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (sid) => void sessions.set(sid, { transport, close }),
    });
    const sid = randomUUID();
    const { mcp, close } = createMcpServer(kernel, { id: `http:${sid.slice(0, 8)}`, owner: ownerFor(req, 'http', sid) });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
      void close();
    };
    await mcp.connect(transport);
    await transport.handleRequest(req, res, req.body);
  };
}

/** GET /sse: opens a legacy SSE session, closed when the response closes. */
function openSse(kernel: Kernel, sessions: Sessions) {
  return async (req: Request, res: Response) => {
    const transport = new SSEServerTransport('/messages', res);
    const { mcp, close } = createMcpServer(kernel, { id: `sse:${transport.sessionId.slice(0, 8)}`, owner: ownerFor(req, 'sse', transport.sessionId) });
    sessions.set(transport.sessionId, { transport, close });
    res.on('close', () => {
      sessions.delete(transport.sessionId);
      void close();
    });
    await mcp.connect(transport);
  };
}

/** POST /messages: a message to an open SSE session. */
function postSse(sessions: Sessions) {
  return async (req: Request, res: Response) => {
    const live = sessions.get(String(req.query.sessionId ?? ''));
    if (!live || !(live.transport instanceof SSEServerTransport)) return rpcError(res, 404, 'unknown SSE session; open GET /sse first.');
    await live.transport.handlePostMessage(req, res, req.body);
  };
}

/** Body too large, unparsable JSON, or anything else a handler threw, as a JSON-RPC error. */
function errorHandler(kernel: Kernel) {
  return (err: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    if (err.type === 'entity.too.large') return rpcError(res, 413, `LLMOS_ETOOBIG: request body over ${params.maxInputBytes * 4} bytes; send less.`);
    if (err.type === 'entity.parse.failed') return res.status(400).json({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
    kernel.log.error({ err }, 'http request failed');
    return rpcError(res, err.status ?? 500, 'LLMOS_EINTERNAL: request failed; check the server log.');
  };
}

/** The Express app of the MCP transports and /healthz. */
function mcpApp(kernel: Kernel, sessions: Sessions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: params.maxInputBytes * 4 }));
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true, version: kernel.version, uptime_ms: Date.now() - kernel.started, sessions: sessions.size });
  });
  app.all('/mcp', streamableHttp(kernel, sessions));
  app.get('/sse', openSse(kernel, sessions));
  app.post('/messages', postSse(sessions));
  app.use(errorHandler(kernel));
  return app;
}

/** The HTTP server: every request passes the guard; plugin routes are served before Express, everything else by it. */
function guardedServer(kernel: Kernel, o: HttpOptions, app: express.Express): HttpServer {
  const routes = new PluginRoutes(params.maxInputBytes * 4, kernel.log);
  for (const add of [...kernel.httpRoutes, ...(o.mount ? [o.mount] : [])]) add(routes);
  const guard = httpGuard(o);
  return createServer((req, res) =>
    guard(req, res, (user) => {
      if (user) (req as HttpRequest).user = user;
      return routes.handle(req, res) || app(req, res);
    }),
  );
}

/**
 * Streamable HTTP at /mcp (one MCP server per session, as the SDK requires),
 * the legacy SSE transport at /sse + /messages, and /healthz. Refuses to bind
 * a non-loopback address without a bearer token.
 */
export async function serveHttp(kernel: Kernel, o: HttpOptions): Promise<{ url: string; port: number; server: HttpServer; close: () => Promise<void> }> {
  if (!LOOPBACK.has(o.host) && !o.token && !Object.keys(o.users ?? {}).length)
    throw new LlmosError('LLMOS_EPERM', `refusing to serve on non-loopback address ${o.host} without LLMOS_AUTH_TOKEN or LLMOS_AUTH_TOKENS; set a token or bind 127.0.0.1.`);
  const sessions: Sessions = new Map();
  const server = guardedServer(kernel, o, mcpApp(kernel, sessions));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  kernel.transports.add('streamable-http').add('sse');
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    close: async () => {
      for (const s of [...sessions.values()]) await s.close();
      sessions.clear();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
