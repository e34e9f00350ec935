import { PassThrough } from 'node:stream';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../../src/mcp/line-splitter.js';
import { StdioLineTransport } from '../../../src/mcp/stdio.js';
import { configWith, runCli } from '../../helpers/cli.js';

const next = async (it: AsyncIterator<string>) => JSON.parse((await it.next()).value as string);
const INIT = '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}';

describe('LineSplitter', () => {
  it('splits across chunks, drops an over-long line as it arrives, and resumes after its newline', () => {
    const lines: string[] = [];
    let tooLong = 0;
    const s = new LineSplitter(8, (l) => lines.push(l), () => tooLong++);
    s.push('ab');
    s.push('c\r\nlong-long');
    expect(tooLong).toBe(1); // reported as soon as it passes the bound, before its end
    s.push('-still-long'.repeat(1000));
    s.push('\nok\n€€\nend');
    s.end();
    expect(lines).toEqual(['abc', 'ok', '€€', 'end']);
    expect(tooLong).toBe(1);
  });
});

describe('StdioLineTransport', () => {
  it('answers an over-long line with -32600 id null and refuses requests before initialize', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const t = new StdioLineTransport(input, output, 256);
    const got: unknown[] = [];
    t.onmessage = (m) => void got.push(m);
    await t.start();
    const out = createInterface({ input: output })[Symbol.asyncIterator]();
    input.write(`{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"x","arguments":{"pad":"${'a'.repeat(1000)}"}}}\n`);
    expect(await next(out)).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32600, message: expect.stringMatching(/LLMOS_ETOOBIG: line over 256 bytes/) } });
    input.write('{"jsonrpc":"2.0","id":6,"method":"tools/list"}\n{"jsonrpc":"2.0","method":"notifications/initialized"}\n');
    expect(await next(out)).toEqual({ jsonrpc: '2.0', id: 6, error: { code: -32600, message: expect.stringMatching(/^LLMOS_EINVAL: "tools\/list" before initialize/) } });
    input.write('{"jsonrpc":"2.0","id":7,"method":"ping"}\n' + INIT + '\n{"jsonrpc":"2.0","id":8,"method":"tools/list"}\n');
    await expect.poll(() => got.length).toBe(3);
    expect(got.map((m) => (m as { method: string }).method)).toEqual(['ping', 'initialize', 'tools/list']); // the early notification was dropped
  });
});

describe('the built binary over stdio', () => {
  it('answers an over-long line with a JSON-RPC error, runs none of it, and keeps serving', async () => {
    const { child, lines, stderr } = runCli(['serve', '--no-daemon', '--config', configWith('sched-fcfs')], { LLMOS_MAX_LINE_BYTES: '4096', LLMOS_LOG_LEVEL: 'info' });
    const send = (s: string) => child.stdin.write(s + '\n');
    send('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"sys_info","arguments":{}}}');
    expect(await next(lines)).toMatchObject({ id: 1, error: { code: -32600, message: expect.stringMatching(/before initialize/) } });
    send(INIT);
    expect((await next(lines)).result.serverInfo.name).toBe('llmos');
    send('{"jsonrpc":"2.0","method":"notifications/initialized"}');
    // 1 MB in 64 KB writes: a proc_spawn whose line never fits
    child.stdin.write(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"proc_spawn","arguments":{"prompt":"`);
    for (let i = 0; i < 16; i++) child.stdin.write('x'.repeat(65536));
    send('"}}}');
    expect(await next(lines)).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32600, message: expect.stringMatching(/LLMOS_ETOOBIG: line over 4096 bytes/) } });
    send('{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"proc_list","arguments":{}}}');
    const listed = await next(lines);
    expect(listed.id).toBe(3);
    expect(listed.result.structuredContent.procs).toEqual([]); // the spawn never ran
    expect(stderr()).toMatch(/serving MCP on stdio; admins: stdio/);
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    child.stdin.end();
    expect(await exited).toBe(0);
  });

  it('refuses a bad LLMOS_MAX_LINE_BYTES at start', async () => {
    const { child, stderr } = runCli(['serve', '--no-daemon', '--config', configWith('sched-fcfs')], { LLMOS_MAX_LINE_BYTES: 'huge' });
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).not.toBe(0);
    expect(stderr()).toMatch(/LLMOS_MAX_LINE_BYTES="huge" is not an integer/);
  });
});
