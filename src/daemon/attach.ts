import type { Socket } from 'node:net';
import { dataDir } from '../core/data-dir.js';
import { configPath } from '../loader/resolve.js';
import { envMs } from './env-ms.js';
import { readKernelInfo } from './info.js';
import { daemonPaths } from './paths.js';
import { connectOrStart } from './start-daemon.js';

/** One JSON log line on stderr, shaped like the kernel's own (stdout is the MCP stream). */
const say = (level: number, msg: string, fields: Record<string, unknown> = {}) =>
  process.stderr.write(JSON.stringify({ level, time: Date.now(), name: 'llmos', ...fields, msg }) + '\n');

/**
 * Pipes this process's stdin/stdout (newline-delimited MCP JSON-RPC) to the
 * socket and back, byte for byte. End of stdin half-closes the socket (the
 * daemon treats it as a disconnect); the daemon closing the socket ends this
 * process.
 */
function pipe(sock: Socket): Promise<number> {
  return new Promise((resolve) => {
    process.stdin.pipe(sock);
    sock.pipe(process.stdout);
    let stdinEnded = false;
    process.stdin.once('end', () => (stdinEnded = true));
    sock.on('error', () => undefined);
    sock.once('close', () => {
      if (!stdinEnded) say(50, 'the LLMOS daemon closed the connection (stopped or crashed); restart this MCP server to start a new one. Detached processes are run again by the next daemon.');
      resolve(stdinEnded ? 0 : 1);
    });
  });
}

/**
 * `llmos serve` on stdio: a thin client of the data dir's one kernel. It
 * starts the daemon when none runs, warns when the daemon runs another
 * config than this client names, and pipes MCP between stdio and the
 * daemon's socket. Resolves with the exit code.
 */
export async function attachStdio(explicitConfig?: string): Promise<number> {
  const paths = daemonPaths(dataDir());
  const config = configPath(explicitConfig);
  const { sock, started } = await connectOrStart(paths, config, envMs('LLMOS_DAEMON_START_TIMEOUT_MS', 120_000));
  const info = readKernelInfo(paths);
  if (info && info.config !== config)
    say(40, `the running kernel uses config ${info.config}, not ${config}; run \`llmos daemon stop\` and start again to switch`, { daemon_config: info.config, config });
  say(30, `ready: serving MCP on stdio through the ${started ? 'new' : 'running'} kernel (pid ${info?.pid ?? '?'}, ${info?.transport ?? 'daemon'}); data dir ${paths.dataDir}`, {
    transport: 'stdio→socket',
    data_dir: paths.dataDir,
    daemon_pid: info?.pid,
    socket: paths.socket,
  });
  return pipe(sock);
}
