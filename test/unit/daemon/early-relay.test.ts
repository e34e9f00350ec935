import { once } from 'node:events';
import { createServer, connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { RecordedAnswers } from '../../../src/daemon/answers.js';
import { EarlyRelay } from '../../../src/daemon/early-relay.js';
import { tempDir } from '../../helpers/kernel.js';

const ANSWERS: RecordedAnswers = {
  key: 'k',
  initialize: { protocolVersion: '2025-11-25', capabilities: { tools: { listChanged: true } }, serverInfo: { name: 'llmos', version: '0' } },
  supported: ['2025-11-25', '2025-06-18'],
  tools: { tools: [{ name: 'sys_info', inputSchema: { type: 'object' } }] },
};

function relay() {
  const input = new PassThrough();
  const output = new PassThrough();
  const out: Array<Record<string, unknown>> = [];
  let text = '';
  output.on('data', (d: Buffer) => {
    text += d.toString();
    const lines = text.split('\n');
    text = lines.pop()!;
    for (const l of lines) out.push(JSON.parse(l));
  });
  const warnings: string[] = [];
  const r = new EarlyRelay(ANSWERS, input, output, (m) => warnings.push(m));
  const send = (m: Record<string, unknown>) => input.write(JSON.stringify({ jsonrpc: '2.0', ...m }) + '\n');
  return { r, input, out, send, warnings };
}

/** A real socket pair: what the relay writes to `client` arrives on `server`. */
async function socketPair(): Promise<{ client: Socket; server: Socket; close: () => void }> {
  const path = join(tempDir('relay-'), 's.sock');
  const srv = createServer();
  srv.listen(path);
  await once(srv, 'listening');
  const client = connect(path);
  const [server] = (await once(srv, 'connection')) as [Socket];
  return { client, server, close: () => (client.destroy(), server.destroy(), srv.close()) };
}

describe('EarlyRelay: a client served from the recorded answers while the kernel starts', () => {
  it('negotiates the protocol as the SDK server does, serves tools/list and ping, and holds the rest in order', async () => {
    const { r, out, send } = relay();
    send({ id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'c', version: '1' } } });
    send({ method: 'notifications/initialized' });
    send({ id: 2, method: 'tools/list' });
    send({ id: 3, method: 'tools/call', params: { name: 'sys_info', arguments: {} } });
    send({ id: 4, method: 'ping' });
    await expect.poll(() => out.length).toBe(3);
    expect(out).toEqual([
      { jsonrpc: '2.0', id: 1, result: { ...ANSWERS.initialize, protocolVersion: '2025-06-18' } },
      { jsonrpc: '2.0', id: 2, result: ANSWERS.tools },
      { jsonrpc: '2.0', id: 4, result: {} },
    ]);
    expect(r.holdsRequests()).toBe(true);

    const { client, server, close } = await socketPair();
    let got = '';
    server.on('data', (d) => (got += d.toString()));
    r.handOver(client);
    await expect.poll(() => got.split('\n').length).toBe(5);
    const sent = got.trim().split('\n').map((l) => JSON.parse(l));
    expect(sent.map((m) => m.method)).toEqual(['initialize', 'notifications/initialized', 'tools/call', 'tools/list']);
    // The kernel's replies: initialize and the check's tools/list are the relay's own, the call's goes to the client.
    server.write(JSON.stringify({ jsonrpc: '2.0', id: 1, result: { protocolVersion: '2025-06-18' } }) + '\n');
    server.write(JSON.stringify({ jsonrpc: '2.0', id: 3, result: { content: [] } }) + '\n');
    server.write(JSON.stringify({ jsonrpc: '2.0', id: sent[3].id, result: ANSWERS.tools }) + '\n');
    server.write(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: {} }) + '\n');
    await expect.poll(() => out.length).toBe(5);
    expect(out.slice(3)).toEqual([
      { jsonrpc: '2.0', id: 3, result: { content: [] } },
      { jsonrpc: '2.0', method: 'notifications/message', params: {} },
    ]);
    close();
  });

  it('an unknown protocol version gets the latest; a request before initialize is held for the kernel to refuse', async () => {
    const { out, send, r } = relay();
    send({ id: 0, method: 'tools/list' });
    send({ id: 1, method: 'initialize', params: { protocolVersion: '1999-01-01' } });
    await expect.poll(() => out.length).toBe(1);
    expect(out).toEqual([{ jsonrpc: '2.0', id: 1, result: ANSWERS.initialize }]);
    expect(r.holdsRequests()).toBe(true);
  });

  it('stops reading a client that sends more than it may hold (8 MiB) until the kernel attaches', async () => {
    const { input, send } = relay();
    send({ id: 1, method: 'initialize', params: {} });
    const big = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 9; i++) send({ id: 10 + i, method: 'tools/call', params: { name: 'sys_info', arguments: { big } } });
    await expect.poll(() => input.isPaused()).toBe(true);
  });

  it('answers every held request with the given coded error when the kernel cannot start', async () => {
    const { r, out, send } = relay();
    send({ id: 1, method: 'initialize', params: {} });
    send({ method: 'notifications/initialized' });
    send({ id: 'a', method: 'tools/call', params: { name: 'sys_info' } });
    await expect.poll(() => r.holdsRequests()).toBe(true);
    r.fail('LLMOS_ETIMEDOUT: the daemon did not start');
    expect(out.at(-1)).toEqual({ jsonrpc: '2.0', id: 'a', error: { code: -32603, message: 'LLMOS_ETIMEDOUT: the daemon did not start' } });
    expect(out).toHaveLength(2);
  });
});
