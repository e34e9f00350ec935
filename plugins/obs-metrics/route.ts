import type { ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { HttpRequest, KernelApi } from '../../src/plugin-api/index.js';

/** Writes a coded JSON refusal. */
export function refuse(res: ServerResponse, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
}

/**
 * GET /metrics in Prometheus's text format, for a caller that presented
 * LLMOS_METRICS_TOKEN or is an admin ("user:<name>" of its token, else
 * `sharedOwner`); anyone else gets 403 LLMOS_EPERM.
 */
export function metricsRoute(kernel: KernelApi, registry: Registry, sharedOwner: string) {
  return async (req: HttpRequest, res: ServerResponse) => {
    const owner = req.user ? `user:${req.user}` : sharedOwner;
    if (!req.pathToken && !kernel.isAdmin(owner))
      return refuse(res, 403, 'LLMOS_EPERM', `/metrics needs LLMOS_METRICS_TOKEN or an admin's token, and "${owner}" is not an admin; scrape with "Authorization: Bearer $LLMOS_METRICS_TOKEN".`);
    const text = await registry.metrics();
    res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' }).end(text);
  };
}
