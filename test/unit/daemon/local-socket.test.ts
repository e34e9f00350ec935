import { connect, type Socket } from 'node:net';
import { statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { KernelLock } from '../../../src/daemon/kernel-lock.js';
import { daemonPaths, ensureDaemonDirs } from '../../../src/daemon/paths.js';
import { serveLocalSocket } from '../../../src/mcp/local-socket.js';
import { EchoBackend } from '../../fixtures/echo-backend.js';
import { tempDir, testKernel } from '../../helpers/kernel.js';

/** A raw MCP session over the socket: newline-delimited JSON-RPC, as the stdio thin client pipes it. */
async function session(path: string) {
  const sock: Socket = await new Promise((resolve, reject) => {
    const s = connect(path, () => resolve(s));
    s.once('error', reject);
  });
  const waiting = new Map<number, (m: any) => void>();
  createInterface({ input: sock }).on('line', (line) => {
    const m = JSON.parse(line);
    waiting.get(m.id)?.(m);
  });
  let id = 0;
  const request = (method: string, params: Record<string, unknown>) =>
    new Promise<any>((resolve) => {
      waiting.set(++id, resolve);
      sock.write(JSON.stringify({ jsonrpc: '2.0', id, method, params }) + '\n');
    });
  await request('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'socket-test', version: '1' } });
  sock.write('{"jsonrpc":"2.0","method":"notifications/initialized"}\n');
  const call = (name: string, args: Record<string, unknown>) => request('tools/call', { name, arguments: args });
  return { sock, call, sent: () => id };
}

describe('the kernel lock: one kernel per data dir', () => {
  it('refuses a second holder with LLMOS_EBUSY naming the first, and frees the data dir on release', () => {
    const paths = daemonPaths(tempDir());
    const first = KernelLock.acquire(paths);
    first.publish({ transport: 'daemon', config: 'c.json', version: '0', state: 'ready' });
    expect(() => KernelLock.acquire(paths)).toThrow(expect.objectContaining({ code: 'LLMOS_EBUSY', message: expect.stringContaining(`pid ${process.pid}, daemon`) }));
    expect(statSync(paths.runDir).mode & 0o777).toBe(0o700);
    first.release();
    KernelLock.acquire(paths).release();
  });
});

describe('the local socket: each connection is a session of the local user', () => {
  const stops: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const s of stops.reverse()) await s();
  });

  it('a client that goes away cancels its waiting calls with cause disconnect; its detached work runs on for the same owner', async () => {
    const slow = new EchoBackend('slow', {}, 50);
    const { kernel, stop } = await testKernel({ backends: [slow] });
    stops.push(stop);
    const paths = daemonPaths(kernel.dataDir);
    ensureDaemonDirs(paths);
    const path = paths.socket;
    const server = await serveLocalSocket(kernel, path);
    stops.push(server.close);
    expect(statSync(path).mode & 0o777).toBe(0o600);

    const a = await session(path);
    const detached = await a.call('proc_spawn', { prompt: 'one two three four five six', max_tokens: 8 });
    const detachedPid = detached.result.structuredContent.pid as number;
    const before = kernel.procs.lastPid;
    void a.call('proc_spawn', { prompt: 'hang until the client goes', wait: true });
    await expect.poll(() => kernel.procs.get(before + 1)?.state).toBe('running');
    a.sock.destroy(); // the terminal closes

    const b = await session(path);
    const waited = await b.call('proc_wait', { pid: before + 1, timeout_ms: 10_000 });
    expect(waited.result.isError).toBe(true);
    expect(waited.result.structuredContent).toMatchObject({ state: 'exited', exit: 'killed', error: { code: 'LLMOS_EKILLED', data: { cause: 'disconnect' } } });
    const kept = await b.call('proc_wait', { pid: detachedPid, timeout_ms: 10_000 });
    expect(kept.result.structuredContent).toMatchObject({ pid: detachedPid, owner: 'stdio', state: 'exited', exit: 'ok' });
    expect(server.connections()).toBe(1);
    b.sock.destroy();
    await expect.poll(() => server.connections()).toBe(0);
  });
});
