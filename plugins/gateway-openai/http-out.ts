import type { ServerResponse } from 'node:http';
import { toOpenAiError } from './openai-errors.js';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | number> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers }).end(text);
}

/** Any thrown value as an OpenAI error response, unless the headers already went out. */
export function sendError(res: ServerResponse, e: unknown): void {
  const { status, body, headers } = toOpenAiError(e);
  if (!res.headersSent) sendJson(res, status, body, headers);
}
