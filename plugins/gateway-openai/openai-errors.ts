import { toLlmosError, type Process } from '../../src/plugin-api/index.js';

/** OpenAI's error body: {error: {message, type, param, code}}, with our LLMOS_E code as `code`. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
}

/** HTTP status and OpenAI error type for each LLMOS code; anything else is a 500 server_error. */
const STATUS: Record<string, [number, string]> = {
  LLMOS_EINVAL: [400, 'invalid_request_error'],
  LLMOS_ETOOBIG: [413, 'invalid_request_error'],
  LLMOS_ECONTEXT: [400, 'invalid_request_error'],
  LLMOS_ENOMODEL: [404, 'invalid_request_error'],
  LLMOS_ENOPROC: [404, 'invalid_request_error'],
  LLMOS_EPERM: [403, 'permission_error'],
  LLMOS_EQUEUEFULL: [429, 'rate_limit_error'],
  LLMOS_ERATELIMIT: [429, 'rate_limit_error'],
  LLMOS_EBUDGET: [429, 'insufficient_quota'],
  LLMOS_EKILLED: [499, 'server_error'],
  LLMOS_ETIMEDOUT: [504, 'server_error'],
  LLMOS_EUPSTREAM: [502, 'server_error'],
  LLMOS_EUNAVAILABLE: [503, 'server_error'],
};

export function openAiError(e: { code: string; message: string }): { status: number; body: OpenAiErrorBody } {
  const [status, type] = STATUS[e.code] ?? [500, 'server_error'];
  return { status, body: { error: { message: e.message, type, param: null, code: e.code } } };
}

/** The error of a process that exited other than ok. */
export const exitError = (p: Process) => openAiError(p.error ?? { code: 'LLMOS_EINTERNAL', message: `process ${p.pid} exited ${p.exit} without an error` });

/** Any thrown value as an OpenAI error; non-LLMOS errors become LLMOS_EINTERNAL. */
export function toOpenAiError(e: unknown): { status: number; body: OpenAiErrorBody } {
  return openAiError(toLlmosError(e));
}
