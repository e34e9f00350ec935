import type { ServerResponse } from 'node:http';
import { toLlmosError } from '../../src/plugin-api/index.js';

const STATUS: Record<string, number> = { LLMOS_EPERM: 403, LLMOS_ENOPROC: 404, LLMOS_ENOSYS: 404, LLMOS_EINVAL: 400, LLMOS_ETOOBIG: 413, LLMOS_EBUSY: 503, LLMOS_EKGUNAVAILABLE: 503 };

export function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' }).end(text);
}

/** Answers a failure as {error:{code, message}} with the status its code implies. */
export function fail(res: ServerResponse, e: unknown): void {
  const err = toLlmosError(e);
  if (res.headersSent) return void res.end();
  json(res, STATUS[err.code] ?? 500, { error: { code: err.code, message: err.message } });
}

/** Opens a Server-Sent Events response; `send` writes one event, `close` ends it. */
export function openSse(res: ServerResponse) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  res.write(': llmos console\n\n');
  return {
    send: (event: string, data: unknown) => void res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
    ping: () => void res.write(': ping\n\n'),
    close: () => void res.end(),
  };
}
