import { hash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LlmosError } from '../core/errors.js';
import type { HttpRefusal } from '../core/http.js';
import { rpcRefusal } from './http-routes.js';
import { AuthFailures } from './auth-failures.js';

const pathOf = (url: string | undefined): string => (url ?? '/').split('?')[0];

export const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export interface GuardOptions {
  /** The address the server is bound to. */
  host: string;
  /** Bearer token required on MCP routes; none means open (loopback only). */
  token?: string;
  /** Named users' tokens (name → token, LLMOS_AUTH_TOKENS): their sessions are owned by "user:<name>". */
  users?: Record<string, string>;
  /**
   * Tokens valid on one exact path only (path → token), e.g. LLMOS_METRICS_TOKEN
   * for /metrics, so a scraper's token opens nothing else. A request that
   * presents one on its path passes as `pathToken`, with no user.
   */
  pathTokens?: Record<string, string>;
  /** GET paths served without a token (see HttpRouter.get's `public`). */
  isPublic?: (url: string | undefined) => boolean;
  /** Extra allowed Host names and Origins (LLMOS_ALLOWED_HOSTS / LLMOS_ALLOWED_ORIGINS). */
  allowedHosts?: string[];
  allowedOrigins?: string[];
}

/** Who a request is: the named user of its token, and whether it presented a valid token at all. */
export interface Caller {
  user?: string;
  authenticated: boolean;
  /** It presented its path's own token (see GuardOptions.pathTokens). */
  pathToken?: boolean;
}

/** Writes a refusal in the protocol of the path (see PluginRoutes.refuse). */
export type Refuse = (req: IncomingMessage, res: ServerResponse, e: HttpRefusal, headers?: Record<string, string>) => void;

/** The refusal as JSON-RPC, for servers with no claimed paths. */
const rpcRefuse: Refuse = (_req, res, e, headers = {}) => void res.writeHead(e.status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(rpcRefusal(e)));

/**
 * SHA-256 digests, for comparing tokens with timingSafeEqual: constant
 * time, the same work whatever the tokens' lengths. The configured tokens
 * are digested once; a request's bearer once per request, with the one-shot
 * crypto.hash (a keyed HMAC cost 2.7% of a gateway request's CPU, and the
 * digests never leave the process, so a key adds nothing).
 */
const digest = (s: string): Buffer => hash('sha256', s, 'buffer');

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

/** Whether a browser Origin is loopback or listed. */
function originCheck(allowed: readonly string[]): (origin: string) => boolean {
  const origins = new Set(allowed.map((s) => s.toLowerCase()));
  return (origin) => {
    if (origins.has(origin.toLowerCase())) return true;
    try {
      const { hostname } = new URL(origin);
      return LOOPBACK.has(hostname) || LOOPBACK.has(`[${hostname}]`);
    } catch {
      return false;
    }
  };
}

/** The user a bearer token belongs to (null for the shared token), or undefined when it is no known token. */
function tokenOwner(o: GuardOptions): (given: string) => string | null | undefined {
  const users = Object.entries(o.users ?? {}).map(([name, token]) => [name, digest(token)] as const);
  const shared = o.token ? digest(o.token) : undefined;
  return (given) => {
    const g = digest(given);
    let found: string | null | undefined;
    for (const [name, token] of users) if (timingSafeEqual(g, token)) found = name; // no early exit: constant work per user
    if (shared && timingSafeEqual(g, shared) && found === undefined) found = null;
    return found;
  };
}

/** Whether the bearer of a request is the token of its exact path (constant time when one is set). */
function pathTokenCheck(o: GuardOptions): (path: string, bearer: string | undefined) => boolean {
  const tokens = new Map(Object.entries(o.pathTokens ?? {}).flatMap(([path, t]) => (t ? [[path, digest(t)] as const] : [])));
  return (path, bearer) => {
    const token = tokens.get(path);
    return token !== undefined && bearer !== undefined && timingSafeEqual(digest(bearer), token);
  };
}

/**
 * DNS-rebinding and auth guard, in front of every route. The Host header
 * (case-insensitive) must name this server and a browser Origin must be
 * allowed (403 otherwise); with a token or users set, a request must carry
 * one of their tokens ("Bearer", any case, or as x-api-key; 401 otherwise). An address with
 * too many wrong tokens in a window gets 429 with Retry-After, even for a
 * right one. /healthz and public GET routes pass without a token (but not with a wrong one).
 * next() gets the caller.
 */
export function httpGuard(o: GuardOptions, failures = new AuthFailures(10, 60_000), refuse: Refuse = rpcRefuse) {
  const hosts = new Set([...LOOPBACK, o.host, ...(o.allowedHosts ?? [])].map((h) => h.toLowerCase()));
  const originOk = originCheck(o.allowedOrigins ?? []);
  const whose = tokenOwner(o);
  const needsToken = !!o.token || Object.keys(o.users ?? {}).length > 0;
  const isPathToken = pathTokenCheck(o);
  return (req: IncomingMessage, res: ServerResponse, next: (caller: Caller) => void) => {
    const healthz = req.url === '/healthz' || !!req.url?.startsWith('/healthz?');
    if (!healthz) {
      const hostname = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
      if (!hosts.has(hostname)) return refuse(req, res, { status: 403, code: 'LLMOS_EPERM', message: `Host "${hostname.slice(0, 100)}" is not allowed; add it to LLMOS_ALLOWED_HOSTS.` });
      const origin = req.headers.origin;
      if (origin && !originOk(origin)) return refuse(req, res, { status: 403, code: 'LLMOS_EPERM', message: `Origin "${origin.slice(0, 100)}" is not allowed; add it to LLMOS_ALLOWED_ORIGINS.` });
    }
    // Anthropic's SDKs and Claude Code send the key as x-api-key (ANTHROPIC_API_KEY); it is the same token.
    const apiKey = req.headers['x-api-key'];
    const header = req.headers.authorization ?? (typeof apiKey === 'string' ? `Bearer ${apiKey}` : undefined);
    const bearer = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '')?.[1];
    if (!needsToken) return next({ authenticated: false, pathToken: isPathToken(pathOf(req.url), bearer) });
    if ((healthz || (req.method === 'GET' && o.isPublic?.(req.url))) && header === undefined) return next({ authenticated: false });
    const addr = req.socket.remoteAddress ?? '?';
    const wait = failures.retryAfter(addr);
    if (wait) return refuse(req, res, { status: 429, code: 'LLMOS_ERATELIMIT', message: `too many wrong bearer tokens from your address; retry after ${wait} s with the right one.` }, { 'retry-after': String(wait) });
    if (isPathToken(pathOf(req.url), bearer)) return next({ authenticated: true, pathToken: true });
    const user = bearer ? whose(bearer) : undefined;
    if (user === undefined) {
      if (header !== undefined) failures.fail(addr);
      return refuse(req, res, { status: 401, code: 'LLMOS_EPERM', message: 'missing or wrong bearer token; send "Authorization: Bearer <token>" with $LLMOS_AUTH_TOKEN or your token from LLMOS_AUTH_TOKENS.' }, { 'www-authenticate': 'Bearer' });
    }
    next({ user: user ?? undefined, authenticated: true });
  };
}
