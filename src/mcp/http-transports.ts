import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { isLlmosError } from '../core/errors.js';
import type { HttpRequest } from '../core/http.js';
import type { Kernel } from '../kernel/kernel.js';
import type { HttpLimits } from './http-limits.js';
import type { SessionTable } from './http-sessions.js';
import { clientInfoBytes, clientInfoTooBig, gateTransport, InitGate } from './init-gate.js';
import { createMcpServer } from './server.js';

export const rpcError = (res: Response, status: number, message: string, headers: Record<string, string> = {}) =>
  res.status(status).set(headers).json({ jsonrpc: '2.0', id: null, error: { code: -32000, message } });

/** The one answer for a session that is unknown, expired, another principal's or another transport's. */
const UNKNOWN_MCP = 'LLMOS_ENOPROC: unknown or expired MCP session; initialize a new one.';
const UNKNOWN_SSE = 'LLMOS_ENOPROC: unknown or expired SSE session; open GET /sse first.';

/** The principal a request authenticated as: "user:<name>" for a named token, "" otherwise. */
const principalOf = (req: HttpRequest) => (req.user ? `user:${req.user}` : '');

/** A named user's sessions share one owner (so budgets and processes follow the user); others get one each. */
const ownerFor = (req: HttpRequest, transport: string, sessionId: string) => (req.user ? `user:${req.user}` : `${transport}:${sessionId.slice(0, 8)}`);

const once = (f: () => Promise<void>) => {
  let done: Promise<void> | undefined;
  return () => (done ??= f());
};

/** Answers a refused session open (a cap reached) with its coded error; true when it did. */
function refusedOpen(sessions: SessionTable, req: HttpRequest, res: Response): boolean {
  try {
    sessions.admit(principalOf(req));
    return false;
  } catch (e) {
    if (!isLlmosError(e)) throw e;
    rpcError(res, e.code === 'LLMOS_ERATELIMIT' ? 429 : 503, `${e.code}: ${e.message}`, { 'retry-after': '60' });
    return true;
  }
}

/** Opens a Streamable HTTP session for an initialize request: one MCP server per session, as the SDK requires. */
async function openStreamable(kernel: Kernel, sessions: SessionTable, req: Request, res: Response): Promise<void> {
  if (refusedOpen(sessions, req, res)) return;
  const sid = randomUUID();
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => sid });
  const { mcp, close } = createMcpServer(kernel, { id: `http:${sid.slice(0, 8)}`, owner: ownerFor(req, 'http', sid) });
  const closeOnce = once(close);
  sessions.add(sid, { kind: 'streamable-http', transport, principal: principalOf(req), close: closeOnce });
  transport.onclose = () => {
    sessions.remove(sid);
    void closeOnce();
  };
  await mcp.connect(transport);
  await transport.handleRequest(req, res, req.body);
  if (!transport.sessionId) {
    sessions.remove(sid); // the SDK refused the initialize: nothing to keep
    await closeOnce();
  }
}

/** ALL /mcp: a request of the caller's own Streamable HTTP session, or an initialize request that opens one. */
export function streamableHttp(kernel: Kernel, sessions: SessionTable, limits: HttpLimits) {
  return async (req: Request, res: Response) => {
    const id = req.headers['mcp-session-id'];
    if (id !== undefined) {
      // a GET is the session's standalone stream: open for long, it does not keep the session from idling
      const live = typeof id === 'string' ? sessions.find(id, principalOf(req), 'streamable-http', req.method === 'GET' ? undefined : res) : undefined;
      if (!live) return rpcError(res, 404, UNKNOWN_MCP);
      return (live.transport as StreamableHTTPServerTransport).handleRequest(req, res, req.body);
    }
    if (req.method !== 'POST' || !isInitializeRequest(req.body)) return rpcError(res, 400, 'LLMOS_EINVAL: no MCP session; send an initialize request first.');
    if (clientInfoBytes(req.body.params) > limits.maxClientInfoBytes) return rpcError(res, 400, clientInfoTooBig(limits.maxClientInfoBytes));
    await openStreamable(kernel, sessions, req, res);
  };
}

/** GET /sse: opens a legacy SSE session, closed when the response closes or the session idles out. */
export function openSse(kernel: Kernel, sessions: SessionTable, limits: HttpLimits) {
  return async (req: Request, res: Response) => {
    if (refusedOpen(sessions, req, res)) return;
    const transport = new SSEServerTransport('/messages', res);
    const sid = transport.sessionId;
    const { mcp, close } = createMcpServer(kernel, { id: `sse:${sid.slice(0, 8)}`, owner: ownerFor(req, 'sse', sid) });
    const closeOnce = once(close);
    sessions.add(sid, { kind: 'sse', transport, principal: principalOf(req), close: closeOnce });
    res.on('close', () => {
      sessions.remove(sid);
      void closeOnce();
    });
    await mcp.connect(transport);
    gateTransport(transport, new InitGate(limits.maxClientInfoBytes));
  };
}

/** POST /messages: a message to the caller's own open SSE session. */
export function postSse(sessions: SessionTable) {
  return async (req: Request, res: Response) => {
    const live = sessions.find(String(req.query.sessionId ?? ''), principalOf(req), 'sse', res);
    if (!live) return rpcError(res, 404, UNKNOWN_SSE);
    await (live.transport as SSEServerTransport).handlePostMessage(req, res, req.body);
  };
}
