import type { ServerResponse } from 'node:http';
import { toLlmosError } from '../../core/errors.js';
import type { ProcView as Process } from '../../core/process.js';
import type { CodedError, GatewayProtocol } from './plan.js';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | number> = {}): void {
  const text = JSON.stringify(body);
  // Object.assign, not a spread after keys: V8 builds that object in a slow mode, and writeHead walks it.
  res.writeHead(status, Object.assign({ 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }, headers)).end(text);
}

/** Any thrown value as the protocol's error response (non-LLMOS errors are LLMOS_EINTERNAL), unless the headers already went out. */
export function sendError(res: ServerResponse, protocol: GatewayProtocol, e: unknown, headers: Record<string, string | number> = {}): void {
  const { status, body, headers: more } = protocol.error(toLlmosError(e));
  if (!res.headersSent) sendJson(res, status, body, { ...headers, ...more });
}

/** The error of a process that exited other than ok. */
export const exitErrorOf = (p: Process): CodedError => p.error ?? { code: 'LLMOS_EINTERNAL', message: `process ${p.pid} exited ${p.exit} without an error` };
