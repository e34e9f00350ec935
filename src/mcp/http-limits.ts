import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { params } from '../kernel/params.js';
import type { Refuse } from './http-guard.js';

/** The bounds of the HTTP transport; defaults from params (LLMOS_* variables), overridable per server. */
export interface HttpLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxConnectionsPerClient: number;
  authMaxFailures: number;
  authFailureWindowMs: number;
  sessionIdleMs: number;
  maxSessions: number;
  maxSessionsPerUser: number;
  maxClientInfoBytes: number;
}

export const httpLimits = (o: Partial<HttpLimits> = {}): HttpLimits => ({
  headersTimeoutMs: params.httpHeadersTimeoutMs,
  requestTimeoutMs: params.httpRequestTimeoutMs,
  keepAliveTimeoutMs: params.httpKeepAliveTimeoutMs,
  maxConnectionsPerClient: params.maxConnectionsPerClient,
  authMaxFailures: params.authMaxFailures,
  authFailureWindowMs: params.authFailureWindowMs,
  sessionIdleMs: params.sessionIdleMs,
  maxSessions: params.maxSessions,
  maxSessionsPerUser: params.maxSessionsPerUser,
  maxClientInfoBytes: params.maxClientInfoBytes,
  ...o,
});

/**
 * Node server options so that a slow client cannot hold a connection: headers
 * must arrive within headersTimeoutMs, the whole request (body included)
 * within requestTimeoutMs (Node answers 408 and closes), and an idle
 * keep-alive connection closes after keepAliveTimeoutMs. Long responses
 * (SSE streams) are not bounded by these. Node requires headers ≤ request.
 */
export function timeoutOptions(l: HttpLimits): ServerOptions {
  const requestTimeout = l.requestTimeoutMs;
  const headersTimeout = Math.min(l.headersTimeoutMs, requestTimeout);
  return { requestTimeout, headersTimeout, keepAliveTimeout: l.keepAliveTimeoutMs, connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(headersTimeout / 4))) };
}

/**
 * Counts open connections per client address. A connection that opens while
 * its address already holds `max` is marked; its requests are answered 503
 * with LLMOS_EUNAVAILABLE and Connection: close (in the path's protocol), before any
 * route runs. Returns refuse: true when it answered.
 */
export function limitConnections(server: Server, max: number, refuse: Refuse): (req: IncomingMessage, res: ServerResponse) => boolean {
  const open = new Map<string, number>();
  const over = new WeakSet<Socket>();
  server.on('connection', (socket: Socket) => {
    const addr = socket.remoteAddress ?? '?';
    const n = (open.get(addr) ?? 0) + 1;
    open.set(addr, n);
    if (n > max) over.add(socket);
    socket.once('close', () => {
      const left = (open.get(addr) ?? 1) - 1;
      if (left > 0) open.set(addr, left);
      else open.delete(addr);
    });
  });
  return (req, res) => {
    if (!over.has(req.socket)) return false;
    refuse(req, res, { status: 503, code: 'LLMOS_EUNAVAILABLE', message: `your address holds over ${max} open connections; close some and retry (LLMOS_MAX_CONNECTIONS_PER_CLIENT).` }, { connection: 'close', 'retry-after': '1' });
    return true;
  };
}
