import { Command, Option } from 'commander';
import { boot, configPath } from '../boot.js';
import { serveHttp } from '../mcp/http.js';
import { parseUserTokens } from '../mcp/http-guard.js';
import { createMcpServer } from '../mcp/server.js';
import { StdioLineTransport } from '../mcp/stdio.js';

/** Who is an admin, for the start-up line: LLMOS_ADMINS's patterns, or "nobody" over HTTP when it names only stdio. */
const adminsLine = (patterns: readonly string[], http: boolean) => {
  const shown = http ? patterns.filter((p) => p !== 'stdio') : patterns;
  return shown.length ? shown.join(', ') : 'nobody (set LLMOS_ADMINS to name admin owners, e.g. user:alice)';
};

const list = (v?: string) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);

/** `llmos serve`: stdio by default, Streamable HTTP + SSE with --http. Stops plugins in reverse order on SIGINT, SIGTERM or end of stdin. */
export function serveCommand(): Command {
  return new Command('serve')
    .description('Run the MCP server (stdio by default)')
    .option('-c, --config <file>', 'plugin config (default: $LLMOS_CONFIG or ./llmos.plugins.json)')
    .option('--http', 'serve Streamable HTTP at /mcp and legacy SSE at /sse instead of stdio')
    .addOption(new Option('--port <port>', 'HTTP port').default(7420).argParser(Number))
    .option('--host <host>', 'HTTP bind address', '127.0.0.1')
    .action(async (o: { config?: string; http?: boolean; port: number; host: string }) => {
      const { kernel, stop } = await boot({ config: configPath(o.config) });
      const closers: Array<() => Promise<void>> = [];
      let stopping = false;
      const shutdown = async (why: string) => {
        if (stopping) return;
        stopping = true;
        kernel.log.info({ why }, 'shutting down');
        for (const c of closers.reverse()) await c().catch(() => undefined);
        await stop();
        process.exit(0);
      };
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
        const admins = adminsLine(kernel.perms.patterns, true);
        kernel.log.info({ url: `${http.url}/mcp`, sse: `${http.url}/sse`, admins }, `serving MCP over HTTP; admins: ${admins}`);
      } else {
        const { mcp, close } = createMcpServer(kernel, { owner: 'stdio' });
        const transport = new StdioLineTransport();
        transport.onclose = () => void shutdown('end of stdin');
        closers.push(close);
        kernel.transports.add('stdio');
        await mcp.connect(transport);
        const admins = adminsLine(kernel.perms.patterns, false);
        kernel.log.info({ admins }, `serving MCP on stdio; admins: ${admins}`);
      }
    });
}
