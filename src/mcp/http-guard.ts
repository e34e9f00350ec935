import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export interface GuardOptions {
  /** The address the server is bound to. */
  host: string;
  port: number;
  /** Bearer token required on MCP routes; none means open (loopback only). */
  token?: string;
  /** Extra allowed Host names and Origins (LLMOS_ALLOWED_HOSTS / LLMOS_ALLOWED_ORIGINS). */
  allowedHosts?: string[];
  allowedOrigins?: string[];
}

const deny = (res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) =>
  void res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32001, message } }));

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * DNS-rebinding and auth guard, in front of every route but /healthz:
 * the Host header must name this server, a browser Origin must be allowed
 * (403 otherwise), and with a token set the request must carry it (401).
 */
export function httpGuard(o: GuardOptions) {
  const hosts = new Set([...LOOPBACK, o.host, ...(o.allowedHosts ?? [])]);
  const origins = new Set(o.allowedOrigins ?? []);
  const originOk = (origin: string) => {
    if (origins.has(origin)) return true;
    try {
      return LOOPBACK.has(new URL(origin).hostname) || LOOPBACK.has(`[${new URL(origin).hostname}]`);
    } catch {
      return false;
    }
  };
  /** Calls next() when the request may pass; answers 401/403 itself otherwise. */
  return (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    if (req.url === '/healthz' || req.url?.startsWith('/healthz?')) return next();
    const hostname = (req.headers.host ?? '').replace(/:\d+$/, '');
    if (!hosts.has(hostname)) return deny(res, 403, `LLMOS_EPERM: Host "${hostname}" is not allowed; add it to LLMOS_ALLOWED_HOSTS.`);
    const origin = req.headers.origin;
    if (origin && !originOk(origin)) return deny(res, 403, `LLMOS_EPERM: Origin "${origin}" is not allowed; add it to LLMOS_ALLOWED_ORIGINS.`);
    if (o.token) {
      const auth = req.headers.authorization ?? '';
      const m = /^Bearer (.+)$/.exec(auth);
      if (!m || !sameToken(m[1], o.token))
        return deny(res, 401, 'LLMOS_EPERM: missing or wrong bearer token; send "Authorization: Bearer $LLMOS_AUTH_TOKEN".', { 'www-authenticate': 'Bearer' });
    }
    next();
  };
}
