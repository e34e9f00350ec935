import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { params } from '../kernel/params.js';

type Reply = { jsonrpc: '2.0'; id: string | number | null; error: { code: number; message: string } };

const errorReply = (id: string | number | null, code: number, message: string): Reply => ({ jsonrpc: '2.0', id, error: { code, message } });

/** Bytes of an initialize request's clientInfo and capabilities, the part of it a session keeps. */
export function clientInfoBytes(initParams: unknown): number {
  const p = (initParams ?? {}) as { clientInfo?: unknown; capabilities?: unknown };
  return Buffer.byteLength(JSON.stringify([p.clientInfo ?? null, p.capabilities ?? null]) ?? '', 'utf8');
}

export const clientInfoTooBig = (max: number) => `LLMOS_ETOOBIG: initialize clientInfo and capabilities are over ${max} bytes; send a shorter clientInfo (LLMOS_MAX_CLIENT_INFO_BYTES).`;

/**
 * What the MCP SDK's Server does not check for a message-stream transport
 * (stdio, SSE): until an `initialize` request has arrived, any other request
 * but `ping` gets a JSON-RPC -32600 error and notifications are dropped; an
 * initialize whose clientInfo + capabilities exceed `maxClientInfoBytes` gets
 * -32602 and does not open the session.
 */
export class InitGate {
  private initialized = false;

  constructor(private readonly maxClientInfoBytes = params.maxClientInfoBytes) {}

  /** undefined: pass the message on; 'drop': ignore it; otherwise the error to answer with. */
  check(msg: JSONRPCMessage): Reply | 'drop' | undefined {
    if (!('method' in msg)) return undefined; // a response to one of the server's own requests
    const id = 'id' in msg ? (msg.id as string | number) : undefined;
    if (msg.method === 'initialize' && id !== undefined) {
      if (clientInfoBytes(msg.params) > this.maxClientInfoBytes) return errorReply(id, -32602, clientInfoTooBig(this.maxClientInfoBytes));
      this.initialized = true;
      return undefined;
    }
    if (this.initialized) return undefined;
    if (id === undefined) return 'drop';
    if (msg.method === 'ping') return undefined;
    return errorReply(id, -32600, `LLMOS_EINVAL: "${msg.method.slice(0, 64)}" before initialize; send an initialize request first.`);
  }
}

/** Puts `gate` in front of a connected transport's message handler; refusals are answered on the transport. */
export function gateTransport(transport: Transport, gate: InitGate): void {
  const inner = transport.onmessage;
  transport.onmessage = (msg, extra) => {
    const refusal = gate.check(msg);
    if (refusal === undefined) return inner?.(msg, extra);
    if (refusal !== 'drop') void transport.send(refusal as JSONRPCMessage).catch(() => undefined);
  };
}
