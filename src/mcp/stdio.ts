import type { Readable, Writable } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { params } from '../kernel/params.js';
import { InitGate } from './init-gate.js';
import { LineSplitter } from './line-splitter.js';

/**
 * Newline-delimited JSON-RPC over stdin/stdout, like the SDK's stdio
 * transport, except that bad lines are answered instead of dropped, always
 * with id null as JSON-RPC 2.0 requires: a line that is not JSON gets -32700,
 * one that is JSON but not JSON-RPC gets -32600, and one over `maxLineBytes`
 * gets -32600 with LLMOS_ETOOBIG and is discarded without being buffered.
 * Requests before `initialize` are refused (see InitGate). The session
 * continues either way. close() fires when stdin ends.
 */
export class StdioLineTransport implements Transport {
  onmessage?: (message: JSONRPCMessage) => void;
  onerror?: (error: Error) => void;
  onclose?: () => void;
  private closed = false;
  private readonly gate = new InitGate();

  constructor(
    private readonly input: Readable = process.stdin,
    private readonly output: Writable = process.stdout,
    private readonly maxLineBytes = params.maxLineBytes,
  ) {}

  async start(): Promise<void> {
    const lines = new LineSplitter(
      this.maxLineBytes,
      (line) => this.receive(line),
      () => this.reply(-32600, `Invalid Request: LLMOS_ETOOBIG: line over ${this.maxLineBytes} bytes, discarded; send smaller messages (LLMOS_MAX_LINE_BYTES).`),
    );
    this.input.on('data', (chunk: Buffer | string) => lines.push(chunk));
    this.input.once('end', () => {
      lines.end();
      void this.close();
    });
    this.input.once('close', () => void this.close());
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
    const refusal = this.gate.check(msg.data);
    if (refusal === undefined) this.onmessage?.(msg.data);
    else if (refusal !== 'drop') void this.send(refusal as JSONRPCMessage);
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
