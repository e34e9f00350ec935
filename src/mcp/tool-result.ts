import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { LlmosError } from '../core/errors.js';
import type { ProcError } from '../core/process.js';
import type { Kernel } from '../kernel/kernel.js';

/**
 * A tool error: the text starts with the code. No structuredContent, since
 * clients check it against the tool's output schema even on errors; the
 * structured error rides in _meta instead.
 */
export const errorResult = (e: LlmosError | ProcError): CallToolResult => ({
  isError: true,
  content: [{ type: 'text', text: `${e.code}: ${e.message}` }],
  _meta: { 'llmos/error': e.data && Object.keys(e.data).length ? { code: e.code, message: e.message, data: e.data } : { code: e.code, message: e.message } },
});

/**
 * A call whose output reports a failure (Syscall.failure, e.g. proc_wait on
 * a process that exited failed): a tool error, so a client cannot read it as
 * success, whose text starts with the code; the output is still attached as
 * structuredContent (it matches the output schema, which clients check even
 * on errors) and in the text after the first line.
 */
const failedResult = (err: { code: string; message: string }, out: Record<string, unknown>): CallToolResult => ({
  isError: true,
  content: [{ type: 'text', text: `${err.code}: ${err.message}\n${JSON.stringify(out)}` }],
  structuredContent: out,
  _meta: { 'llmos/error': err },
});

/** What tools/call answers for syscall `name` that returned `out`: the output, or a tool error when the output reports a failure. */
export function outputResult(kernel: Kernel, name: string, out: Record<string, unknown>): CallToolResult {
  const failed = kernel.syscalls.get(name)?.failure?.(out);
  if (failed) return failedResult(failed, out);
  const text = kernel.syscalls.get(name)?.text?.(out) ?? JSON.stringify(out);
  return { content: [{ type: 'text', text }], structuredContent: out };
}
