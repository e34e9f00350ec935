import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LlmosError } from '../core/errors.js';

export const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export interface GuardOptions {
  /** The address the server is bound to. */
  host: string;
  /** Bearer token required on MCP routes; none means open (loopback only). */
  token?: string;
  /** Named users' tokens (name → token, LLMOS_AUTH_TOKENS): their sessions are owned by "user:<name>". */
  users?: Record<string, string>;
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

/** Parses LLMOS_AUTH_TOKENS, "alice:tok1,bob:tok2", into name → token; LLMOS_EINVAL on a malformed entry. */
export function parseUserTokens(value: string | undefined): Record<string, string> | undefined {
  if (!value?.trim()) return undefined;
  const users: Record<string, string> = {};
  for (const entry of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([A-Za-z0-9_.-]{1,64}):(.{8,})$/.exec(entry);
    if (!m) throw new LlmosError('LLMOS_EINVAL', `LLMOS_AUTH_TOKENS entry "${entry.split(':')[0]}:…" must be name:token (name of letters, digits, _ . -; token of at least 8 characters).`);
    users[m[1]] = m[2];
  }
  return users;
}

/**
 * DNS-rebinding and auth guard, in front of every route but /healthz:
 * the Host header must name this server, a browser Origin must be allowed
 * (403 otherwise), and with a token or users set the request must carry one
 * of their tokens (401). next() gets the user a named token belongs to.
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
  const users = Object.entries(o.users ?? {});
  /** The user a bearer token belongs to (null for the shared token), or undefined when it is no known token. */
  const whose = (given: string): string | null | undefined => {
    let found: string | null | undefined;
    for (const [name, token] of users) if (sameToken(given, token)) found = name; // no early exit: constant work per user
    if (found === undefined && o.token && sameToken(given, o.token)) found = null;
    return found;
  };
  /** Calls next() when the request may pass; answers 401/403 itself otherwise. */
  return (req: IncomingMessage, res: ServerResponse, next: (user?: string) => void) => {
    if (req.url === '/healthz' || req.url?.startsWith('/healthz?')) return next();
    const hostname = (req.headers.host ?? '').replace(/:\d+$/, '');
    if (!hosts.has(hostname)) return deny(res, 403, `LLMOS_EPERM: Host "${hostname}" is not allowed; add it to LLMOS_ALLOWED_HOSTS.`);
    const origin = req.headers.origin;
    if (origin && !originOk(origin)) return deny(res, 403, `LLMOS_EPERM: Origin "${origin}" is not allowed; add it to LLMOS_ALLOWED_ORIGINS.`);
    if (o.token || users.length) {
      const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
      const user = m ? whose(m[1]) : undefined;
      if (user === undefined) return deny(res, 401, 'LLMOS_EPERM: missing or wrong bearer token; send "Authorization: Bearer <token>" with $LLMOS_AUTH_TOKEN or your token from LLMOS_AUTH_TOKENS.', { 'www-authenticate': 'Bearer' });
      return next(user ?? undefined);
    }
    next();
  };
}
