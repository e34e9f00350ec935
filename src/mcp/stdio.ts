import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/**
 * Newline-delimited JSON-RPC over stdin/stdout, like the SDK's stdio
 * transport, except that a line that is not JSON gets a -32700 parse error
 * and a line that is JSON but not JSON-RPC gets -32600, both with id null as
 * JSON-RPC 2.0 requires (the SDK drops such lines silently). The session
 * continues either way. close() fires when stdin ends.
 */
export class StdioLineTransport implements Transport {
  onmessage?: (message: JSONRPCMessage) => void;
  onerror?: (error: Error) => void;
  onclose?: () => void;
  private closed = false;

  constructor(
    private readonly input: Readable = process.stdin,
    private readonly output: Writable = process.stdout,
  ) {}

  async start(): Promise<void> {
    const lines = createInterface({ input: this.input, crlfDelay: Infinity });
    lines.on('line', (line) => this.receive(line));
    lines.on('close', () => void this.close());
  }

  private receive(line: string): void {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      this.reply(-32700, `Parse error: ${(e as Error).message}`);
      return;
    }
    const msg = JSONRPCMessageSchema.safeParse(value);
    if (!msg.success) return this.reply(-32600, 'Invalid Request: not a JSON-RPC 2.0 message');
    this.onmessage?.(msg.data);
  }

  private reply(code: number, message: string): void {
    void this.send({ jsonrpc: '2.0', id: null, error: { code, message } } as unknown as JSONRPCMessage);
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return resolve();
      if (this.output.write(JSON.stringify(message) + '\n')) resolve();
      else this.output.once('drain', resolve);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.();
  }
}
