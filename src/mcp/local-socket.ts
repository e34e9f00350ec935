import { chmodSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import type { Kernel } from '../kernel/kernel.js';
import { createMcpServer } from './server.js';
import { StdioLineTransport } from './stdio.js';

export interface LocalSocketServer {
  /** Connections open now. */
  connections(): number;
  /** Called with the number of open connections whenever one opens or closes. */
  onCount?: (open: number) => void;
  close(): Promise<void>;
}

/**
 * Serves the kernel on a Unix domain socket: every connection is one MCP
 * session of newline-delimited JSON-RPC, owned by "stdio" (the local user,
 * as for `llmos serve` on stdio). Only the user can connect: the caller puts
 * the socket in a 0700 directory, and the socket itself is made 0600.
 * A connection that ends is a closed terminal: its waiting calls are
 * cancelled with cause "disconnect"; detached processes run on.
 * The caller must hold the data dir's kernel lock (a stale socket file is removed).
 */
export async function serveLocalSocket(kernel: Kernel, path: string): Promise<LocalSocketServer> {
  const open = new Set<Socket>();
  const closers = new Set<() => Promise<void>>();
  let n = 0;
  const api: LocalSocketServer = { connections: () => open.size, close: async () => undefined };
  const server = createServer((sock) => {
    open.add(sock);
    api.onCount?.(open.size);
    const { mcp, close } = createMcpServer(kernel, { owner: 'stdio', id: `stdio#${++n}` });
    const transport = new StdioLineTransport(sock, sock);
    const end = async () => {
      closers.delete(end);
      await close();
      sock.destroy();
      if (open.delete(sock)) api.onCount?.(open.size);
    };
    closers.add(end);
    transport.onclose = () => void end();
    sock.on('error', () => void transport.close());
    sock.once('close', () => void transport.close());
    void mcp.connect(transport);
  });
  rmSync(path, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  chmodSync(path, 0o600);
  kernel.transports.add('socket');
  api.close = async () => {
    const done = new Promise<void>((r) => server.close(() => r()));
    await Promise.all([...closers].map((c) => c()));
    await done;
    rmSync(path, { force: true });
  };
  return api;
}
