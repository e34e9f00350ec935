import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { initializeResult, type RecordedAnswers } from './answers.js';

/** Client bytes held while the kernel starts; past this, stdin is paused (backpressure) until the kernel attaches. */
const MAX_HELD_BYTES = 8 * 1024 * 1024;
/** The id of the relay's own tools/list, sent to the kernel to check the recorded answer. */
const VERIFY_ID = 'llmos-relay-verify-tools';

type Message = { id?: string | number | null; method?: string; params?: { protocolVersion?: unknown; cursor?: unknown }; result?: unknown };

const parse = (line: string): Message | undefined => {
  try {
    const m = JSON.parse(line) as unknown;
    return m && typeof m === 'object' && !Array.isArray(m) ? (m as Message) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The stdio client's side of a cold start. While the kernel starts, it
 * answers `initialize`, `tools/list` (first page) and `ping` from the
 * kernel's recorded answers, and holds every other line, in order. On
 * handOver() it replays the client's `initialize` to the kernel (dropping
 * the kernel's reply, which the client already has), sends the held lines,
 * then pipes both ways. It also asks the kernel for tools/list once: when
 * that differs from the recorded answer it tells the client
 * `notifications/tools/list_changed`, so a stale recording is corrected.
 */
export class EarlyRelay {
  private held: string[] = [];
  private partial = '';
  private bytes = 0;
  private init?: { id: string | number; line: string };
  private answeredTools = false;
  private ended = false;
  private readonly onData = (chunk: Buffer | string) => this.push(chunk.toString());
  /** Called when the client has ended stdin. */
  onEnd?: () => void;

  constructor(
    private readonly answers: RecordedAnswers,
    private readonly input: Readable,
    private readonly output: Writable,
    private readonly warn: (msg: string) => void,
  ) {
    input.on('data', this.onData);
    input.once('end', () => ((this.ended = true), this.onEnd?.()));
  }

  /** True when the client sent requests only the kernel can answer (so its ending must not drop them). */
  holdsRequests(): boolean {
    return this.held.some((l) => parse(l)?.id !== undefined) || this.partial.trim() !== '';
  }

  private push(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) this.take(line.replace(/\r$/, ''));
    this.bytes = this.partial.length + this.held.reduce((n, l) => n + l.length, 0);
    if (this.bytes > MAX_HELD_BYTES) this.input.pause();
  }

  private take(line: string): void {
    const m = parse(line);
    const id = m?.id;
    if (m && !this.init && m.method === 'initialize' && (typeof id === 'string' || typeof id === 'number')) {
      this.init = { id, line };
      return this.reply(id, initializeResult(this.answers, m.params?.protocolVersion));
    }
    if (m && this.init && id !== undefined && id !== null && m.method === 'ping') return this.reply(id, {});
    if (m && this.init && id !== undefined && id !== null && m.method === 'tools/list' && m.params?.cursor === undefined) {
      this.answeredTools = true;
      return this.reply(id, this.answers.tools);
    }
    this.held.push(line);
  }

  private reply(id: string | number, result: unknown): void {
    this.output.write(JSON.stringify({ jsonrpc: '2.0', id, result }) + '\n');
  }

  /** Answers every held request with `error` (the kernel could not start). */
  fail(message: string): void {
    this.input.off('data', this.onData);
    for (const line of this.held) {
      const id = parse(line)?.id;
      if (id !== undefined && id !== null) this.output.write(JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32603, message } }) + '\n');
    }
    this.held = [];
  }

  /** Connects the client to the kernel's socket; returns true when stdin had already ended (the socket is then half-closed). */
  handOver(sock: Socket): boolean {
    this.input.off('data', this.onData);
    const expect = new Set<string | number>();
    if (this.init) sock.write(this.init.line + '\n'), expect.add(this.init.id);
    for (const line of this.held) sock.write(line + '\n');
    if (this.answeredTools) sock.write(JSON.stringify({ jsonrpc: '2.0', id: VERIFY_ID, method: 'tools/list' }) + '\n'), expect.add(VERIFY_ID);
    if (this.partial) sock.write(this.partial);
    this.held = [];
    this.filterReplies(sock, expect);
    if (this.ended) sock.end();
    else this.input.pipe(sock), this.input.resume();
    return this.ended;
  }

  /** Passes the kernel's lines to the client, dropping the replies in `expect`; then pipes raw. */
  private filterReplies(sock: Socket, expect: Set<string | number>): void {
    if (!expect.size) return void sock.pipe(this.output);
    let rest = '';
    const onData = (chunk: Buffer) => {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const [i, line] of lines.entries()) {
        const m = parse(line);
        const id = m?.id;
        if (m && (typeof id === 'string' || typeof id === 'number') && expect.delete(id)) this.check(id, m);
        else this.output.write(line + '\n');
        if (expect.size) continue;
        sock.off('data', onData);
        for (const l of lines.slice(i + 1)) this.output.write(l + '\n');
        if (rest) this.output.write(rest);
        return void sock.pipe(this.output);
      }
    };
    sock.on('data', onData);
  }

  /** Compares the kernel's reply with what the client was told from the recording. */
  private check(id: string | number, m: Message): void {
    if (id !== VERIFY_ID) return;
    if (JSON.stringify(m.result) === JSON.stringify(this.answers.tools)) return;
    this.warn('the kernel lists other tools than its recorded answer said; told the client notifications/tools/list_changed');
    this.output.write(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' }) + '\n');
  }
}
