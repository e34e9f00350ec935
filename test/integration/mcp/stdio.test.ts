import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/kernel.js';
import { configWith, requireBuild, runCli } from '../../helpers/cli.js';

const next = async (it: AsyncIterator<string>) => JSON.parse((await it.next()).value as string);

describe('the built binary over stdio', () => {
  it('serves a real MCP client through StdioClientTransport', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [requireBuild(), 'serve', '--no-daemon', '--config', configWith('sched-fcfs')],
      env: { ...process.env, LLMOS_DATA_DIR: tempDir(), LLMOS_LOG_LEVEL: 'warn' } as Record<string, string>,
      stderr: 'pipe',
    });
    const client = new Client({ name: 'stdio-test', version: '1.0.0' });
    await client.connect(transport);
    expect(client.getInstructions()).toMatch(/proc_spawn/);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['proc_spawn', 'proc_wait', 'proc_kill', 'proc_list', 'proc_get', 'proc_nice', 'sys_info']));
    const info = await client.callTool({ name: 'sys_info', arguments: {} });
    expect((info.structuredContent as { transports: string[] }).transports).toEqual(['socket', 'stdio']); // the local socket other stdio clients attach to, and this process's own stdio
    await client.close();
  });

  it('answers malformed lines with -32700 / -32600 (id null) and keeps serving', async () => {
    const { child, lines } = runCli(['serve', '--no-daemon', '--config', configWith('sched-fcfs')], { LLMOS_LOG_LEVEL: 'silent' });
    const send = (s: string) => child.stdin.write(s + '\n');
    send('{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}');
    expect((await next(lines)).result.serverInfo.name).toBe('llmos');
    send('{"jsonrpc":"2.0","method":"notifications/initialized"}');
    send('{this is not json');
    expect(await next(lines)).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32700, message: expect.stringMatching(/^Parse error/) } });
    send('[1,2,3]');
    expect((await next(lines)).error.code).toBe(-32600);
    send('{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"nope_tool","arguments":{}}}');
    const unknown = await next(lines);
    expect(unknown.id).toBe(2);
    expect(unknown.result.isError).toBe(true);
    expect(unknown.result.content[0].text).toMatch(/^LLMOS_ENOSYS/);
    send('{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"sys_info","arguments":{}}}');
    expect((await next(lines)).result.structuredContent.name).toBe('llmos');
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    child.stdin.end(); // end of stdin stops the server cleanly
    expect(await exited).toBe(0);
  });

  it('warns in one stderr line when the Node.js is outside package.json engines, and serves anyway', async () => {
    const pretend18 = `data:text/javascript,${encodeURIComponent("Object.defineProperty(process.versions, 'node', { value: '18.20.4' })")}`;
    const { child, lines, stderr } = runCli(['serve', '--no-daemon', '--config', configWith('sched-fcfs')], { LLMOS_LOG_LEVEL: 'silent', NODE_OPTIONS: `--import=${pretend18}` });
    child.stdin.write('{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}\n');
    expect((await next(lines)).result.serverInfo.name).toBe('llmos');
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    child.stdin.end();
    expect(await exited).toBe(0);
    const out = stderr().trim().split('\n');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^llmos: Node\.js 18\.20\.4 is not supported \(supported: \^20\.19\.0 \|\| \^22\.12\.0 \|\| \^24\.0\.0\); install Node\.js 24 LTS, 22 or 20/);
  });

  it('exits non-zero with one line naming the plugin when the config is broken', async () => {
    const f = join(tempDir(), 'bad.json');
    writeFileSync(f, JSON.stringify({ plugins: [{ name: 'sched-fcfs', module: './plugins/sched-fcfs', options: {} }, { name: 'ghost', module: './plugins/ghost' }] }));
    const err = await promisify(execFile)(process.execPath, [requireBuild(), 'serve', '--no-daemon', '--config', f]).catch((e) => e);
    expect(err.code).toBe(1);
    const out = String(err.stderr).trim().split('\n');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^llmos: LLMOS_EPLUGIN: plugin "(sched-fcfs|ghost)"/);
  });
});

describe('llmos plugins', () => {
  it('lists what the config loads and what each plugin provides', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [requireBuild(), 'plugins', '--json', '--config', configWith('sched-fcfs')], { env: { ...process.env, LLMOS_DATA_DIR: tempDir() } });
    const out = JSON.parse(stdout);
    expect(out.plugins).toEqual([expect.objectContaining({ name: 'sched-fcfs', provides: ['scheduler'] })]);
    expect(out.syscalls).toContain('proc_spawn');
  });

  it('--version and --help', async () => {
    const v = await promisify(execFile)(process.execPath, [requireBuild(), '--version']);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const h = await promisify(execFile)(process.execPath, [requireBuild(), '--help']);
    expect(h.stdout).toContain('serve');
  });
});
