import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { LlmosError, toLlmosError } from '../core/errors.js';
import type { Kernel } from '../kernel/kernel.js';
import type { SyscallContext } from '../core/syscall.js';
import { requestEnded } from '../core/exit-cause.js';
import { listTools } from './tool-list.js';
import { toolName } from './tool-name.js';

export { toolName };

/**
 * A tool error: the text starts with the code. No structuredContent, since
 * clients check it against the tool's output schema even on errors; the
 * structured error rides in _meta instead.
 */
const errorResult = (e: LlmosError): CallToolResult => ({
  isError: true,
  content: [{ type: 'text', text: `${e.code}: ${e.message}` }],
  _meta: { 'llmos/error': e.toJSON() },
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

/**
 * The request's signal, whose abort reason says why it ended: the SDK aborts
 * on a client's cancel and on a closed transport alike, without telling
 * which; once the abort has run, a closed transport has no server transport.
 */
function causedSignal(mcp: McpServer, request: AbortSignal): AbortSignal {
  const ended = new AbortController();
  request.addEventListener('abort', () => queueMicrotask(() => ended.abort(requestEnded(mcp.isConnected() ? 'cancel' : 'disconnect'))), { once: true });
  return ended.signal;
}

/**
 * Declares every syscall as an MCP tool with registerTool, answers tools/list
 * from the kernel's cached list (titles, schemas, annotations; see
 * tool-list.ts), then routes tools/call through the
 * kernel's one dispatch(), so every failure reaches the client as a coded
 * LLMOS_E… tool error rather than the SDK's own uncoded messages.
 */
export function registerTools(mcp: McpServer, kernel: Kernel, session: { owner: string; services?: Record<string, unknown> }): void {
  const bySyscall = new Map<string, string>();
  for (const s of kernel.syscalls.list()) {
    const name = toolName(s.name);
    bySyscall.set(name, s.name);
    mcp.registerTool(
      name,
      { title: s.title, description: s.description, inputSchema: s.input, outputSchema: s.output, annotations: { title: s.title, ...s.annotations }, ...(s.meta && { _meta: s.meta }) },
      () => {
        throw new Error('unreachable: tools/call is routed through the kernel dispatcher');
      },
    );
  }
  mcp.server.setRequestHandler(ListToolsRequestSchema, () => listTools(kernel));
  mcp.server.setRequestHandler(CallToolRequestSchema, async (req, extra): Promise<CallToolResult> => {
    const syscall = bySyscall.get(req.params.name);
    const progressToken = req.params._meta?.progressToken;
    const ctx: SyscallContext = {
      owner: session.owner,
      signal: causedSignal(mcp, extra.signal),
      session: session.services,
      reportsProgress: progressToken !== undefined,
      progress: (u) => {
        if (progressToken === undefined) return;
        void extra.sendNotification({ method: 'notifications/progress', params: { progressToken, ...u } }).catch(() => undefined);
      },
    };
    try {
      const name = syscall ?? req.params.name;
      const out = await kernel.syscalls.dispatch(name, req.params.arguments ?? {}, ctx);
      const failed = kernel.syscalls.get(name)?.failure?.(out);
      if (failed) return failedResult(failed, out);
      const text = kernel.syscalls.get(name)?.text?.(out) ?? JSON.stringify(out);
      return { content: [{ type: 'text', text }], structuredContent: out };
    } catch (e) {
      const err = toLlmosError(e);
      if (err.code === 'LLMOS_EINTERNAL') kernel.log.error({ err: e, tool: req.params.name }, 'syscall failed');
      return errorResult(err);
    }
  });
}
