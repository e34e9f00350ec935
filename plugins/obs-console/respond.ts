import type { ServerResponse } from 'node:http';
import { BatchedWrites, DEFAULT_STREAM_FLUSH_MS, toLlmosError } from '../../src/plugin-api/index.js';

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

const event = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * Opens a Server-Sent Events response. `send` writes an event at once (after
 * any that wait); `sendLater` lets a frequent one (a streamed token) share a
 * socket write with the next, at most DEFAULT_STREAM_FLUSH_MS later, as the
 * gateways do: a write per token wakes the browser per token, and on two
 * cores that slows the in-process model it watches (README, issue #17).
 * `close` writes what waits and ends the response; `cancel` drops what waits
 * (the client left).
 */
export function openSse(res: ServerResponse) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  res.write(': llmos console\n\n');
  const writes = new BatchedWrites(res, DEFAULT_STREAM_FLUSH_MS);
  return {
    send: (name: string, data: unknown) => writes.now(event(name, data)),
    sendLater: (name: string, data: unknown) => writes.later(event(name, data)),
    ping: () => writes.now(': ping\n\n'),
    close: () => (writes.now(), void res.end()),
    cancel: () => writes.cancel(),
  };
}
