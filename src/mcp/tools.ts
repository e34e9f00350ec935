import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult, type CreateTaskResult } from '@modelcontextprotocol/sdk/types.js';
import { toLlmosError } from '../core/errors.js';
import type { Kernel } from '../kernel/kernel.js';
import type { SyscallContext } from '../core/syscall.js';
import { requestEnded } from '../core/exit-cause.js';
import { listTools } from './tool-list.js';
import { toolName } from './tool-name.js';
import { errorResult, outputResult } from './tool-result.js';
import { createToolTask, isTaskRequest, refuseTask, withTaskSupport } from './tasks.js';
import { elicitsForms, withinPolicy, type Elicit } from './elicit-policy.js';
import { requireExposed } from './toolsets.js';

export { toolName };

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
 * from the kernel's cached list, filtered to what the session's owner may
 * call (titles, schemas, annotations; see tool-list.ts), then routes tools/call through the
 * kernel's one dispatch(), so every failure reaches the client as a coded
 * LLMOS_E… tool error rather than the SDK's own uncoded messages. A tool the
 * server does not offer (toolsets, --read-only) is refused with the way to enable it.
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
  mcp.server.setRequestHandler(ListToolsRequestSchema, () => withTaskSupport(listTools(kernel, session.owner), (tool) => bySyscall.get(tool)));
  mcp.server.setRequestHandler(CallToolRequestSchema, async (req, extra): Promise<CallToolResult | CreateTaskResult> => {
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
    const name = syscall ?? req.params.name;
    const elicit: Elicit | undefined = elicitsForms(mcp.server.getClientCapabilities()) ? (p) => mcp.server.elicitInput(p, { relatedRequestId: extra.requestId }) : undefined;
    try {
      requireExposed(kernel, name);
      const args = await withinPolicy(kernel, session.owner, name, req.params.arguments ?? {}, elicit, ctx.signal);
      if (isTaskRequest(req.params)) return await createToolTask(kernel, name, args, { owner: session.owner, session: session.services });
      const out = await kernel.syscalls.dispatch(name, args, ctx);
      return outputResult(kernel, name, out);
    } catch (e) {
      if (isTaskRequest(req.params)) refuseTask(e);
      const err = toLlmosError(e);
      if (err.code === 'LLMOS_EINTERNAL') kernel.log.error({ err: e, tool: req.params.name }, 'syscall failed');
      return errorResult(err);
    }
  });
}
