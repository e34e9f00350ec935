/**
 * Starts the REAL components integration tests talk to, each on a free loopback port:
 * embedded Neo4j 5 (Bolt only, no auth), redis-server, and llama.cpp's OpenAI-compatible
 * server (via xllamacpp) serving the cached SmolLM2 GGUF.
 *
 * Contract:
 *  - everything must first be installed by `bash test/setup/install.sh` (cache dir:
 *    $LLMOS_CACHE_DIR or <repo>/.cache); a missing piece throws an Error naming the step;
 *  - a start resolves only once the component answers a real request (no fixed sleeps);
 *  - `stop()` ends the process and waits for its exit; it is idempotent;
 *  - child processes die with this process: on exit/signals they get SIGTERM, and all of them
 *    also shut down by themselves when their stdin pipe closes (even if we are SIGKILLed);
 *  - temp dirs are removed when this process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import neo4j from 'neo4j-driver';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CACHE_DIR = process.env.LLMOS_CACHE_DIR ?? path.join(ROOT, '.cache');
const INSTALL = 'run `bash test/setup/install.sh`';
const MODEL_FILE = 'SmolLM2-135M-Instruct.Q4_1.gguf';

/** JVM flags from Neo4j 5's own neo4j.conf (`server.jvm.additional`), minus profiling ones. */
export const NEO4J_JVM_FLAGS = [
  '-XX:+UseG1GC',
  '-XX:-OmitStackTraceInFastThrow',
  '-XX:+UnlockExperimentalVMOptions',
  '-XX:+TrustFinalNonStaticFields',
  '-XX:+DisableExplicitGC',
  '-Djdk.nio.maxCachedBufferSize=1024',
  '-Dio.netty.tryReflectionSetAccessible=true',
  '-Djdk.tls.ephemeralDHKeySize=2048',
  '-Djdk.tls.rejectClientInitiatedRenegotiation=true',
  '--add-opens=java.base/java.nio=ALL-UNNAMED',
  '--add-opens=java.base/java.io=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
  '--enable-native-access=ALL-UNNAMED',
  '-Dlog4j2.disable.jmx=true',
];

export interface Neo4jHandle {
  uri: string;
  port: number;
  dataDir: string;
  /** Stops the JVM (clean shutdown, SIGKILL after 20 s); data dir is kept for restart(). */
  stop(): Promise<void>;
  /** Starts the JVM again on the same port and data dir; resolves when Bolt answers. */
  restart(): Promise<void>;
}
export interface RedisHandle {
  url: string;
  port: number;
  stop(): Promise<void>;
}
export interface LlamaHandle {
  /** e.g. http://127.0.0.1:PORT/v1 — pass as `baseURL` to the openai client. */
  baseURL: string;
  /** Model id the server reports (the GGUF file name). */
  model: string;
  stop(): Promise<void>;
}
export interface LlamaOptions {
  ctxSize?: number;
  threads?: number;
  parallel?: number;
}

// ---- process bookkeeping ------------------------------------------------------------

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();
let hooksInstalled = false;

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // SIGTERM, not SIGKILL: the redis bash wrapper must live long enough to end redis-server.
  const killAll = () => {
    for (const c of children) c.kill('SIGTERM');
    children.clear();
  };
  process.on('exit', () => {
    killAll();
    for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      killAll();
      // We are the only listener: keep the default "die on signal" behaviour.
      if (process.listenerCount(sig) === 1) process.exit(128 + os.constants.signals[sig]);
    });
  }
}

function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

/** Spawns `cmd` with stdin as a pipe (children watch it for EOF) and output to `logFile`. */
function launch(cmd: string, args: string[], logFile: string): ChildProcess {
  installExitHooks();
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(cmd, args, { stdio: ['pipe', fd, fd], cwd: ROOT });
    children.add(child);
    child.stdin?.on('error', () => undefined); // EPIPE once the child is gone is expected
    child.once('exit', () => children.delete(child));
    child.once('error', () => children.delete(child));
    return child;
  } finally {
    closeSync(fd);
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Closes stdin, sends SIGTERM, waits up to `graceMs`, then SIGKILLs; resolves on exit. */
async function terminate(child: ChildProcess, graceMs: number): Promise<void> {
  if (exited(child)) return;
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdin?.end();
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await done;
  clearTimeout(timer);
}

function tail(file: string, lines = 25): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Polls `probe` every 200 ms until it resolves true; fails early if the child exits,
 * and after `timeoutMs`. The error names the component and shows its log tail.
 */
async function waitUntil(
  what: string,
  child: ChildProcess,
  logFile: string,
  timeoutMs: number,
  probe: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let spawnError: Error | undefined;
  child.once('error', (e) => (spawnError = e));
  for (;;) {
    if (spawnError) throw new Error(`${what}: could not spawn: ${spawnError.message}`);
    if (exited(child)) {
      throw new Error(
        `${what} exited early (code ${child.exitCode}, signal ${child.signalCode}). ` +
          `Log ${logFile}:\n${tail(logFile)}`,
      );
    }
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${what} not ready after ${timeoutMs} ms. Log ${logFile}:\n${tail(logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A free TCP port on 127.0.0.1 (bind port 0, read it, close). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

function requireFile(file: string, what: string): void {
  if (!existsSync(file)) throw new Error(`${what} missing (${file}): ${INSTALL}`);
}

// ---- Neo4j --------------------------------------------------------------------------

function javaBin(): string {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

/** Starts embedded Neo4j Community 5.26 (Bolt only, auth disabled) in a fresh temp dir. */
export async function startNeo4j(): Promise<Neo4jHandle> {
  const lib = path.join(CACHE_DIR, 'neo4j', 'lib');
  const classes = path.join(CACHE_DIR, 'neo4j', 'classes');
  requireFile(path.join(lib, '.complete-5.26.31'), 'Neo4j jars');
  requireFile(path.join(classes, 'EmbeddedNeo4j.class'), 'Neo4j launcher (EmbeddedNeo4j.class)');

  const port = await freePort();
  const dataDir = makeTempDir('llmos-neo4j-');
  const uri = `bolt://127.0.0.1:${port}`;
  const logFile = path.join(dataDir, 'launcher.log');
  const args = [
    '-Xms128m',
    '-Xmx512m',
    ...NEO4J_JVM_FLAGS,
    '-cp',
    `${classes}${path.delimiter}${path.join(lib, '*')}`,
    'EmbeddedNeo4j',
    path.join(dataDir, 'home'),
    String(port),
    '--exit-on-stdin-eof',
  ];
  let child: ChildProcess | undefined;

  const start = async () => {
    child = launch(javaBin(), args, logFile);
    // LLMOS_TEST_NEO4J_READY_MS: more time for the JVM on a loaded machine (at load 20 on 2 cores it needs over 120 s).
    await waitUntil('Neo4j', child, logFile, Number(process.env.LLMOS_TEST_NEO4J_READY_MS) || 120_000, () => boltAnswers(uri));
  };
  const stop = async () => {
    if (child) await terminate(child, 20_000);
  };
  await start();
  return {
    uri,
    port,
    dataDir,
    stop,
    async restart() {
      await stop();
      await start();
    },
  };
}

/** True when a Bolt server at `uri` completes a handshake (driver.getServerInfo()). */
export async function boltAnswers(uri: string): Promise<boolean> {
  const driver = neo4j.driver(uri, undefined, { connectionTimeout: 2_000, maxConnectionPoolSize: 1 });
  try {
    await driver.getServerInfo();
    return true;
  } catch {
    return false;
  } finally {
    await driver.close().catch(() => undefined);
  }
}

// ---- Redis --------------------------------------------------------------------------

/**
 * bash wrapper: runs redis-server "$@" and ends it when our stdin pipe closes (this process
 * died, even by SIGKILL) or on SIGTERM; exits with redis-server's code if that ends first.
 */
const REDIS_WRAPPER = `
exec 3<&0
redis-server "$@" & r=$!
cat <&3 >/dev/null & c=$!
trap 'kill -TERM $r $c 2>/dev/null' TERM INT HUP
wait -n $r $c; code=$?
kill -TERM $r $c 2>/dev/null; wait $r
exit $code`;

function onPath(cmd: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((d) => d && existsSync(path.join(d, cmd)));
}

/** Starts a throw-away redis-server (no persistence) on a free port. */
export async function startRedis(): Promise<RedisHandle> {
  if (!onPath('redis-server')) throw new Error(`redis-server not on PATH: ${INSTALL}`);
  const port = await freePort();
  const dir = makeTempDir('llmos-redis-');
  const logFile = path.join(dir, 'redis.log');
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  const child = launch('bash', ['-c', REDIS_WRAPPER, 'redis-wrapper', ...args], logFile);
  await waitUntil('Redis', child, logFile, 20_000, () => redisPing(port));
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      await terminate(child, 10_000);
      removeTempDir(dir);
    },
  };
}

/** Sends PING over a raw socket; true on "+PONG". */
export function redisPing(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host });
    let buf = '';
    const finish = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(2_000, () => finish(false));
    sock.once('error', () => finish(false));
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => {
      buf += d.toString('utf8');
      if (buf.includes('\r\n')) finish(buf.startsWith('+PONG'));
    });
  });
}

// ---- llama.cpp server -----------------------------------------------------------------

/** Absolute path of the cached SmolLM2 GGUF (throws if install.sh has not fetched it). */
export function modelPath(): string {
  const file = path.join(CACHE_DIR, 'models', MODEL_FILE);
  requireFile(file, `Model ${MODEL_FILE}`);
  return file;
}

/** Starts llama.cpp's OpenAI-compatible server (xllamacpp) with the cached GGUF. */
export async function startLlamaServer(opts: LlamaOptions = {}): Promise<LlamaHandle> {
  const model = modelPath();
  const python = path.join(CACHE_DIR, 'venv', 'bin', 'python');
  requireFile(python, 'Python venv with xllamacpp');
  const port = await freePort();
  const dir = makeTempDir('llmos-llama-');
  const logFile = path.join(dir, 'llama.log');
  const threads = opts.threads ?? Math.max(1, Math.min(2, os.availableParallelism()));
  const args = [
    path.join(ROOT, 'test', 'setup', 'llama_server.py'),
    '--model', model,
    '--host', '127.0.0.1',
    '--port', String(port),
    '--ctx-size', String(opts.ctxSize ?? 4096),
    '--threads', String(threads),
    '--parallel', String(opts.parallel ?? 1),
    '--exit-on-stdin-eof',
  ];
  const child = launch(python, args, logFile);
  const baseURL = `http://127.0.0.1:${port}/v1`;
  await waitUntil('llama server', child, logFile, 120_000, async () => {
    const res = await fetch(`${baseURL}/models`, { signal: AbortSignal.timeout(2_000) });
    return res.ok;
  });
  return {
    baseURL,
    model: MODEL_FILE,
    async stop() {
      await terminate(child, 10_000);
      removeTempDir(dir);
    },
  };
}
