import 'reflect-metadata';
import { boot, dataDir, VERSION } from '../boot.js';
import { KernelLock } from '../daemon/kernel-lock.js';
import { daemonPaths, type DaemonPaths } from '../daemon/paths.js';
import type { Kernel } from '../kernel/kernel.js';
import { params } from '../kernel/params.js';
import type { HttpOptions } from '../mcp/http.js';
import { serveLocalSocket, type LocalSocketServer } from '../mcp/local-socket.js';
import { createMcpServer } from '../mcp/server.js';
import { recordAnswers } from '../mcp/record-answers.js';
import { answersKey, writeAnswers } from '../daemon/answers.js';
import { StdioLineTransport } from '../mcp/stdio.js';
import { exposeTools, exposureFromEnv } from '../mcp/toolsets.js';
import { tuneServerHeap } from './server-heap.js';

/** Who is an admin, for the start-up line: LLMOS_ADMINS's patterns, or "nobody" over HTTP when it names only stdio. */
const adminsLine = (patterns: readonly string[], http: boolean) => {
  const shown = http ? patterns.filter((p) => p !== 'stdio') : patterns;
  return shown.length ? shown.join(', ') : 'nobody (set LLMOS_ADMINS to name admin owners, e.g. user:alice)';
};

/** The one line saying the server is serving: where, on what data, with how many plugins, and who is admin. */
function logReady(kernel: Kernel, transport: string, socket: string, http: boolean): void {
  const admins = adminsLine(kernel.perms.patterns, http);
  kernel.log.info(
    { transport, socket, data_dir: kernel.dataDir, plugins: kernel.plugins.length, admins },
    `ready: serving MCP on ${transport}; admins: ${admins}; data dir ${kernel.dataDir}, ${kernel.plugins.length} plugins; stdio clients attach at ${socket}`,
  );
}

/**
 * The graceful stop, once: no new work, running processes get
 * LLMOS_SHUTDOWN_GRACE_MS to finish, the rest are put back (a journal
 * queues them again at the next start); then transports close, plugins
 * stop in reverse order and the data dir's lock is released. A second
 * signal exits at once.
 */
function stopper(kernel: Kernel, stop: () => Promise<void>, closers: Array<() => Promise<void>>, lock: KernelLock): (why: string) => Promise<void> {
  let stopping = false;
  return async (why) => {
    if (stopping) return;
    stopping = true;
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(130));
    kernel.log.info({ why, grace_ms: params.shutdownGraceMs }, 'shutting down: taking no new work, letting running processes finish');
    const settled = await kernel.shutdown(params.shutdownGraceMs);
    kernel.log.info(settled, 'processes settled');
    for (const c of closers.reverse()) await c().catch(() => undefined);
    await stop();
    lock.release();
    process.exit(0);
  };
}

export interface HostOptions {
  config: string;
  /** daemon: serves only the local socket; http: also Streamable HTTP; stdio: also this process's stdin/stdout, and stops when stdin ends. */
  mode: 'daemon' | 'http' | 'stdio';
  http?: HttpOptions;
  /** daemon: stop after this long with no client connected and no unfinished process (0: never). */
  idleMs?: number;
}

/**
 * Runs the data dir's one kernel: takes the kernel lock (LLMOS_EBUSY when
 * another kernel holds it), boots, serves the local socket that stdio
 * clients attach to, plus HTTP or stdio as asked, publishes run/daemon.json
 * and logs one ready line. Stops gracefully on SIGINT and SIGTERM. Sets
 * V8's heap growth for serving first (see tuneServerHeap).
 */
export async function hostKernel(o: HostOptions): Promise<void> {
  tuneServerHeap();
  const paths = daemonPaths(dataDir());
  const lock = KernelLock.acquire(paths);
  lock.publish({ transport: o.mode, config: o.config, version: VERSION, state: 'starting' });
  const { kernel, stop } = await boot({ config: o.config });
  try {
    exposeTools(kernel, exposureFromEnv(kernel));
  } catch (e) {
    await stop();
    lock.release();
    throw e;
  }
  const closers: Array<() => Promise<void>> = [];
  const shutdown = stopper(kernel, stop, closers, lock);
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  const socket = await serveLocalSocket(kernel, paths.socket);
  closers.push(socket.close);
  let url: string | undefined;
  let shown = 'unix socket';
  if (o.mode === 'http') {
    const { serveHttp } = await import('../mcp/http.js'); // only HTTP needs it: the daemon skips its imports
    const http = await serveHttp(kernel, o.http!);
    closers.push(http.close);
    url = `${http.url}/mcp`;
    kernel.log.info({ url, sse: `${http.url}/sse` }, 'serving MCP over HTTP');
    shown = `http ${url}`;
  } else if (o.mode === 'stdio') {
    const { mcp, close } = createMcpServer(kernel, { owner: 'stdio' });
    const transport = new StdioLineTransport();
    transport.onclose = () => void shutdown('end of stdin');
    closers.push(close);
    kernel.transports.add('stdio');
    await mcp.connect(transport);
    shown = 'stdio';
  } else if (o.idleMs) stopWhenIdle(kernel, socket, o.idleMs, () => void shutdown('idle'));
  lock.publish({ transport: o.mode, config: o.config, version: VERSION, state: 'ready', ...(url && { url }) });
  logReady(kernel, shown, paths.socket, o.mode === 'http');
  setImmediate(() => void recordForNextStart(kernel, paths, o.config));
}

/**
 * Records this kernel's initialize and tools/list answers in run/answers.json,
 * so a stdio client that finds no daemon answers them at once while the next
 * one starts. Also builds the tools/list answer before the first client asks.
 */
async function recordForNextStart(kernel: Kernel, paths: DaemonPaths, config: string): Promise<void> {
  try {
    writeAnswers(paths.answers, { key: answersKey(config), ...(await recordAnswers(kernel)) });
  } catch (e) {
    kernel.log.warn({ err: e, file: paths.answers }, 'could not record the answers for the next start; the next cold start waits for the kernel');
  }
}

/** Calls stop once no client has been connected for idleMs and no process is ready, blocked or running. */
function stopWhenIdle(kernel: Kernel, socket: LocalSocketServer, idleMs: number, stop: () => void): void {
  let timer: NodeJS.Timeout | undefined;
  const busy = () => {
    const c = kernel.procs.counts();
    return c.ready + c.blocked + c.running > 0;
  };
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => (socket.connections() === 0 && !busy() ? stop() : arm()), idleMs);
    timer.unref();
  };
  socket.onCount = (open) => (open === 0 ? arm() : clearTimeout(timer));
  arm();
}
