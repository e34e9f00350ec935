import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A request to a plugin route; `body` is the parsed JSON of a POST, or
 * undefined when it is not JSON; `user` is the named user (LLMOS_AUTH_TOKENS)
 * whose token authenticated it; `pathToken` is set when it presented the
 * token of its exact path (LLMOS_METRICS_TOKEN on /metrics) rather than a user's.
 */
export type HttpRequest = IncomingMessage & { body?: unknown; user?: string; params?: { id?: string }; pathToken?: boolean };
export type HttpHandler = (req: HttpRequest, res: ServerResponse) => void | Promise<void>;

/** A refusal the transport itself makes (auth, Host/Origin, limits, unknown path, wrong method, bad body, a handler that threw). */
export interface HttpRefusal {
  status: number;
  /** An LLMOS_E… code. */
  code: string;
  /** What went wrong and what to do next. */
  message: string;
}

/** Writes a refusal as the JSON body of a route family's own protocol (e.g. OpenAI's {error:{message,type,param,code}}). */
export type HttpErrorFormat = (e: HttpRefusal) => unknown;

/** Where a plugin adds routes: exact paths, plain Node request and response. */
export interface HttpRouter {
  /**
   * `public`: served without a bearer token (Host/Origin checks still apply),
   * for files that hold no data, such as a web page's shell whose scripts
   * then call token-guarded routes. A wrong token is still refused.
   */
  get(path: string, handler: HttpHandler, opts?: { public?: boolean }): void;
  post(path: string, handler: HttpHandler): void;
  /**
   * Claims every path under `prefix` (e.g. "/v1"; the longest claim that
   * covers a path wins, so "/v1/messages" may answer in another shape than "/v1"): the transport answers
   * there in `format`'s shape — its refusals (401, 403, 429, 503), an unknown
   * path (404), a known path with another method (405), a body too large
   * (413) or not JSON (400), and a handler that throws (500). A GET route
   * whose path ends in "/*" matches any one further segment (req.params.id).
   */
  claim(prefix: string, format: HttpErrorFormat): void;
}

/**
 * Adds routes to the HTTP transport (--http), behind the same Host/Origin
 * checks and bearer-token auth as /mcp. They are served without a web
 * framework in the way, so a hot path (the OpenAI-compatible gateway) pays
 * only for what it does.
 */
export type HttpRoutes = (router: HttpRouter) => void;
