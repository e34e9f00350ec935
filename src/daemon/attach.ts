import type { Socket } from 'node:net';
import { dataDir } from '../core/data-dir.js';
import { isLlmosError } from '../core/errors.js';
import { configPath } from '../loader/resolve.js';
import { answersKey, readAnswers } from './answers.js';
import { EarlyRelay } from './early-relay.js';
import { envMs } from './env-ms.js';
import { readKernelInfo } from './info.js';
import { daemonPaths, type DaemonPaths } from './paths.js';
import { connectOrStart, tryConnect } from './start-daemon.js';

/** One JSON log line on stderr, shaped like the kernel's own (stdout is the MCP stream). */
const say = (level: number, msg: string, fields: Record<string, unknown> = {}) =>
  process.stderr.write(JSON.stringify({ level, time: Date.now(), name: 'llmos', ...fields, msg }) + '\n');

/**
 * Resolves with the exit code once the socket closes: 0 when stdin had
 * ended (the client went away; the daemon treats the half-close as a
 * disconnect), 1 when the daemon closed the connection first.
 */
function untilClosed(sock: Socket, stdinEnded: boolean): Promise<number> {
  return new Promise((resolve) => {
    process.stdin.once('end', () => (stdinEnded = true));
    sock.on('error', () => undefined);
    sock.once('close', () => {
      if (!stdinEnded) say(50, 'the LLMOS daemon closed the connection (stopped or crashed); restart this MCP server to start a new one. Detached processes are run again by the next daemon.');
      resolve(stdinEnded ? 0 : 1);
    });
  });
}

/** Pipes this process's stdin/stdout (newline-delimited MCP JSON-RPC) to the socket and back, byte for byte. */
function pipe(sock: Socket): Promise<number> {
  process.stdin.pipe(sock);
  sock.pipe(process.stdout);
  return untilClosed(sock, false);
}

/** The ready line: which kernel this client serves through, and where. */
function logReady(paths: DaemonPaths, config: string, started: boolean): void {
  const info = readKernelInfo(paths);
  if (info && info.config !== config)
    say(40, `the running kernel uses config ${info.config}, not ${config}; run \`llmos daemon stop\` and start again to switch`, { daemon_config: info.config, config });
  say(30, `ready: serving MCP on stdio through the ${started ? 'new' : 'running'} kernel (pid ${info?.pid ?? '?'}, ${info?.transport ?? 'daemon'}); data dir ${paths.dataDir}`, {
    transport: 'stdio→socket',
    data_dir: paths.dataDir,
    daemon_pid: info?.pid,
    socket: paths.socket,
  });
}

/**
 * A cold start with the kernel's recorded answers: the client gets
 * initialize and tools/list at once while the daemon starts; its other
 * requests wait (bounded by LLMOS_DAEMON_START_TIMEOUT_MS) and get the
 * daemon's coded error when it cannot start. A client that leaves before
 * the daemon serves, with nothing waiting, ends this process at once.
 */
async function relayWhileStarting(paths: DaemonPaths, config: string, relay: EarlyRelay): Promise<number> {
  say(30, `starting the kernel for ${paths.dataDir}; answering initialize and tools/list from the recorded answers meanwhile`, { data_dir: paths.dataDir });
  const left = new Promise<'left'>((resolve) => (relay.onEnd = () => !relay.holdsRequests() && resolve('left')));
  const starting = connectOrStart(paths, config, envMs('LLMOS_DAEMON_START_TIMEOUT_MS', 120_000));
  try {
    const won = await Promise.race([starting, left]);
    if (won === 'left') return 0;
    logReady(paths, config, won.started);
    return untilClosed(won.sock, relay.handOver(won.sock));
  } catch (e) {
    relay.fail(isLlmosError(e) ? `${e.code}: ${e.message}` : String(e));
    throw e;
  }
}

/**
 * `llmos serve` on stdio: a thin client of the data dir's one kernel. It
 * attaches to the running daemon, or starts one (answering from the
 * kernel's recorded answers meanwhile when it has them), warns when the
 * daemon runs another config than this client names, and pipes MCP between
 * stdio and the daemon's socket. Resolves with the exit code.
 */
export async function attachStdio(explicitConfig?: string): Promise<number> {
  const paths = daemonPaths(dataDir());
  const config = configPath(explicitConfig);
  const running = await tryConnect(paths.socket);
  if (running) return logReady(paths, config, false), pipe(running);
  const answers = readAnswers(paths, answersKey(config));
  if (answers) return relayWhileStarting(paths, config, new EarlyRelay(answers, process.stdin, process.stdout, (m) => say(40, m)));
  const { sock, started } = await connectOrStart(paths, config, envMs('LLMOS_DAEMON_START_TIMEOUT_MS', 120_000));
  logReady(paths, config, started);
  return pipe(sock);
}
