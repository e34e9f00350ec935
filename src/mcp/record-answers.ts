import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Kernel } from '../kernel/kernel.js';
import { createMcpServer } from './server.js';

export interface KernelAnswers {
  initialize: { protocolVersion: string } & Record<string, unknown>;
  supported: string[];
  tools: { tools: unknown[] };
}

/**
 * What a stdio session of this kernel answers to `initialize` (asking for
 * the latest protocol) and `tools/list`, taken from a real session over an
 * in-memory transport, so the recording is the server's answer byte for byte.
 * The session never sends `initialized`, so no session hook runs.
 */
export async function recordAnswers(kernel: Kernel): Promise<KernelAnswers> {
  const { mcp, close } = createMcpServer(kernel, { owner: 'stdio', id: 'stdio#record' });
  const [client, server] = InMemoryTransport.createLinkedPair();
  const replies = new Map<number, (m: JSONRPCMessage) => void>();
  client.onmessage = (m) => 'id' in m && replies.get(m.id as number)?.(m);
  const ask = (id: number, method: string, params?: Record<string, unknown>) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      replies.set(id, (m) => ('result' in m ? resolve(m.result as Record<string, unknown>) : reject(new Error(`${method}: ${JSON.stringify(m)}`))));
      void client.send({ jsonrpc: '2.0', id, method, ...(params && { params }) });
    });
  try {
    await mcp.connect(server);
    await client.start();
    const initialize = await ask(1, 'initialize', { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'llmos-record', version: kernel.version } });
    const tools = await ask(2, 'tools/list');
    return { initialize: initialize as KernelAnswers['initialize'], supported: [...SUPPORTED_PROTOCOL_VERSIONS], tools: tools as KernelAnswers['tools'] };
  } finally {
    await close();
  }
}
