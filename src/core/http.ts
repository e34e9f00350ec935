import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A request to a plugin route; `body` is the parsed JSON of a POST, or
 * undefined when it is not JSON; `user` is the named user (LLMOS_AUTH_TOKENS)
 * whose token authenticated it.
 */
export type HttpRequest = IncomingMessage & { body?: unknown; user?: string };
export type HttpHandler = (req: HttpRequest, res: ServerResponse) => void | Promise<void>;

/** Where a plugin adds routes: exact paths, plain Node request and response. */
export interface HttpRouter {
  get(path: string, handler: HttpHandler): void;
  post(path: string, handler: HttpHandler): void;
}

/**
 * Adds routes to the HTTP transport (--http), behind the same Host/Origin
 * checks and bearer-token auth as /mcp. They are served without a web
 * framework in the way, so a hot path (the OpenAI-compatible gateway) pays
 * only for what it does.
 */
export type HttpRoutes = (router: HttpRouter) => void;
