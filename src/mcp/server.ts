import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Kernel } from '../kernel/kernel.js';
import type { ClientSession } from '../core/session.js';
import { clientLogData } from './client-log.js';
import { INSTRUCTIONS } from './instructions.js';
import { registerPrompts } from './prompt-server.js';
import { registerResources } from './resources.js';
import { taskServerOptions } from './tasks.js';
import { registerTools } from './tools.js';

export interface Session {
  /** Unique per session; defaults to the owner (one session per owner, as on stdio). */
  id?: string;
  /** Owner of the processes this session spawns; a named user's sessions share it. */
  owner: string;
  /** Per-session services handed to syscalls. */
  services?: Record<string, unknown>;
}

/**
 * One MCP server for one session, generated from the kernel's tables.
 * close() drops its listeners and ends session hooks; the kernel and its
 * processes live on.
 */
export function createMcpServer(kernel: Kernel, session: Session): { mcp: McpServer; close: () => Promise<void> } {
  const tasks = taskServerOptions(kernel, session.owner);
  const mcp = new McpServer(
    { name: 'llmos', title: 'LLMOS', version: kernel.version },
    { ...tasks, instructions: INSTRUCTIONS, capabilities: { logging: {}, completions: {}, ...tasks.capabilities } },
  );
  registerTools(mcp, kernel, session);
  registerPrompts(mcp, kernel, session.owner);
  const undo: Array<() => void | Promise<void>> = [registerResources(mcp, kernel, { owner: session.owner })];
  // Server warnings describe everyone's work: only admin sessions get them, and no session gets a stack trace.
  if (kernel.perms.isAdmin(session.owner)) {
    const onWarn = (level: 'warning' | 'error', data: Record<string, unknown>) => {
      if (mcp.isConnected()) void mcp.server.sendLoggingMessage({ level, logger: 'llmos', data: clientLogData(data) }).catch(() => undefined);
    };
    kernel.warnings?.on('log', onWarn);
    undo.push(() => void kernel.warnings?.off('log', onWarn));
  }
  mcp.server.oninitialized = () => {
    const client: ClientSession = {
      id: session.id ?? session.owner,
      owner: session.owner,
      canSample: !!mcp.server.getClientCapabilities()?.sampling,
      canSampleTools: !!mcp.server.getClientCapabilities()?.sampling?.tools,
      createMessage: (params, options) => mcp.server.createMessage(params, options),
    };
    for (const hook of kernel.sessionHooks) {
      const u = hook(client);
      if (u) undo.push(u);
    }
  };
  return {
    mcp,
    close: async () => {
      for (const u of undo.splice(0)) await u();
      await mcp.close().catch(() => undefined);
    },
  };
}
