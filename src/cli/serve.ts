import { Command, Option } from 'commander';
import { boot, configPath } from '../boot.js';
import type { Kernel } from '../kernel/kernel.js';
import { params } from '../kernel/params.js';
import { serveHttp } from '../mcp/http.js';
import { parseUserTokens } from '../mcp/http-guard.js';
import { createMcpServer } from '../mcp/server.js';
import { StdioLineTransport } from '../mcp/stdio.js';
import { unsupportedNodeLine } from './node-support.js';

/** Who is an admin, for the start-up line: LLMOS_ADMINS's patterns, or "nobody" over HTTP when it names only stdio. */
const adminsLine = (patterns: readonly string[], http: boolean) => {
  const shown = http ? patterns.filter((p) => p !== 'stdio') : patterns;
  return shown.length ? shown.join(', ') : 'nobody (set LLMOS_ADMINS to name admin owners, e.g. user:alice)';
};

const list = (v?: string) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);

/** The one line saying the server is serving: where, on what data, with how many plugins, and who is admin. */
function logReady(kernel: Kernel, transport: string, http: boolean): void {
  const admins = adminsLine(kernel.perms.patterns, http);
  kernel.log.info(
    { transport, data_dir: kernel.dataDir, plugins: kernel.plugins.length, admins },
    `ready: serving MCP on ${transport}; admins: ${admins}; data dir ${kernel.dataDir}, ${kernel.plugins.length} plugins`,
  );
}

/**
 * The graceful stop, once: no new work, running processes get
 * LLMOS_SHUTDOWN_GRACE_MS to finish, the rest are put back (a journal
 * queues them again at the next start); then transports close and plugins
 * stop in reverse order. A second signal exits at once.
 */
function stopper(kernel: Kernel, stop: () => Promise<void>, closers: Array<() => Promise<void>>): (why: string) => Promise<void> {
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
    process.exit(0);
  };
}

/** `llmos serve`: stdio by default, Streamable HTTP + SSE with --http. Stops gracefully on SIGINT, SIGTERM or end of stdin. */
export function serveCommand(): Command {
  return new Command('serve')
    .description('Run the MCP server (stdio by default)')
    .option('-c, --config <file>', 'plugin config (default: $LLMOS_CONFIG or ./llmos.plugins.json)')
    .option('--http', 'serve Streamable HTTP at /mcp and legacy SSE at /sse instead of stdio')
    .addOption(new Option('--port <port>', 'HTTP port').default(7420).argParser(Number))
    .option('--host <host>', 'HTTP bind address', '127.0.0.1')
    .action(async (o: { config?: string; http?: boolean; port: number; host: string }) => {
      const nodeWarning = unsupportedNodeLine();
      if (nodeWarning) process.stderr.write(`${nodeWarning}\n`);
      const { kernel, stop } = await boot({ config: configPath(o.config) });
      const closers: Array<() => Promise<void>> = [];
      const shutdown = stopper(kernel, stop, closers);
      process.once('SIGINT', () => void shutdown('SIGINT'));
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
      if (o.http) {
        const http = await serveHttp(kernel, {
          host: o.host,
          port: o.port,
          token: process.env.LLMOS_AUTH_TOKEN || undefined,
          users: parseUserTokens(process.env.LLMOS_AUTH_TOKENS),
          allowedHosts: list(process.env.LLMOS_ALLOWED_HOSTS),
          allowedOrigins: list(process.env.LLMOS_ALLOWED_ORIGINS),
        });
        closers.push(http.close);
        kernel.log.info({ url: `${http.url}/mcp`, sse: `${http.url}/sse` }, 'serving MCP over HTTP');
        logReady(kernel, `http ${http.url}/mcp`, true);
      } else {
        const { mcp, close } = createMcpServer(kernel, { owner: 'stdio' });
        const transport = new StdioLineTransport();
        transport.onclose = () => void shutdown('end of stdin');
        closers.push(close);
        kernel.transports.add('stdio');
        await mcp.connect(transport);
        logReady(kernel, 'stdio', false);
      }
    });
}
