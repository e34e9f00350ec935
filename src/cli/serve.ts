import { Command, Option } from 'commander';
import { configPath } from '../loader/resolve.js';
import { unsupportedNodeLine } from './node-support.js';

const list = (v?: string) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);

interface ServeFlags {
  config?: string;
  http?: boolean;
  daemon: boolean;
  port: number;
  host: string;
  toolsets?: string;
  readOnly?: boolean;
}

/**
 * `llmos serve`. On stdio (the default) it is a thin client of the data
 * dir's one kernel: it starts the daemon when none runs and pipes MCP to it
 * (so it loads no kernel code itself and starts fast). --http runs the
 * kernel in this process, serving HTTP and the local socket stdio clients
 * attach to. --no-daemon runs the kernel in this process on stdio (it stops
 * when stdin ends). Either kernel refuses with LLMOS_EBUSY when another one
 * already serves the data dir.
 */
export function serveCommand(): Command {
  return new Command('serve')
    .description('Run the MCP server: on stdio (the default) through the data dir\'s shared daemon, or over HTTP')
    .option('-c, --config <file>', 'plugin config (default: $LLMOS_CONFIG or ./llmos.plugins.json)')
    .option('--http', 'serve Streamable HTTP at /mcp and legacy SSE at /sse; this process becomes the data dir\'s kernel')
    .option('--no-daemon', 'stdio only: run the kernel in this process instead of attaching to the shared daemon')
    .addOption(new Option('--port <port>', 'HTTP port').default(7420).argParser(Number))
    .option('--host <host>', 'HTTP bind address', '127.0.0.1')
    .option('--toolsets <list>', 'comma list of toolsets to offer as tools (proc, models, kg, alloc, sched, collab, admin, all, default); sets LLMOS_TOOLSETS')
    .option('--read-only', 'offer only tools that change nothing; sets LLMOS_READ_ONLY=1')
    .action(async (o: ServeFlags) => {
      // As env vars, so a daemon this starts inherits them (and the recorded answers' key names them).
      if (o.toolsets !== undefined) process.env.LLMOS_TOOLSETS = o.toolsets;
      if (o.readOnly) process.env.LLMOS_READ_ONLY = '1';
      const nodeWarning = unsupportedNodeLine();
      if (nodeWarning) process.stderr.write(`${nodeWarning}\n`);
      if (!o.http && o.daemon) {
        const { attachStdio } = await import('../daemon/attach.js');
        const code = await attachStdio(o.config);
        process.exit(code);
      }
      const [{ hostKernel }, { parseUserTokens }] = await Promise.all([import('./kernel-host.js'), import('../mcp/http-guard.js')]);
      const http = {
        host: o.host,
        port: o.port,
        token: process.env.LLMOS_AUTH_TOKEN || undefined,
        users: parseUserTokens(process.env.LLMOS_AUTH_TOKENS),
        pathTokens: process.env.LLMOS_METRICS_TOKEN ? { '/metrics': process.env.LLMOS_METRICS_TOKEN } : undefined,
        allowedHosts: list(process.env.LLMOS_ALLOWED_HOSTS),
        allowedOrigins: list(process.env.LLMOS_ALLOWED_ORIGINS),
      };
      await hostKernel({ config: configPath(o.config), mode: o.http ? 'http' : 'stdio', http });
    });
}
