import type { CreateMessageRequest, CreateMessageResult, CreateMessageResultWithTools } from '@modelcontextprotocol/sdk/types.js';

/**
 * A connected client, as plugins see it. The MCP layer builds one per
 * session after the client has initialized; only createMessage uses the
 * MCP SDK's types.
 */
export interface ClientSession {
  /** Unique per session (several sessions may share an owner). */
  readonly id: string;
  /** Owner of the processes the session spawns. */
  readonly owner: string;
  /** Whether the client declared the sampling capability. */
  readonly canSample: boolean;
  /** Whether it declared sampling with tools (sampling.tools): createMessage may then offer tools. */
  readonly canSampleTools?: boolean;
  /** sampling/createMessage on the client; only when canSample. Params, options and result are the MCP SDK's (with tool_use content when tools were offered). */
  createMessage(params: CreateMessageRequest['params'], options: { signal?: AbortSignal; timeout?: number }): Promise<CreateMessageResult | CreateMessageResultWithTools>;
}

/** Runs when a session starts; the returned function runs when it ends. */
export type SessionHook = (session: ClientSession) => (() => void | Promise<void>) | void;
