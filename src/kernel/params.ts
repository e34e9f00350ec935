import { LlmosError } from '../core/errors.js';
import { DEFAULT_MAX_TOKENS } from '../core/task.js';

/** Limits and defaults, in one place (xv6's param.h). Env vars override where named. */

/** Environment values that were set but cannot be used; checkEnvironment() refuses to start with them. */
const problems: string[] = [];

const envInt = (name: string, dflt: number, min = 1): number => {
  const v = process.env[name];
  if (v === undefined || v.trim() === '') return dflt;
  const n = Number(v);
  if (Number.isSafeInteger(n) && n >= min) return n;
  problems.push(`${name}=${JSON.stringify(v).slice(0, 40)} is not an integer ≥ ${min}; set one (default ${dflt}) or unset it.`);
  return dflt;
};

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const envLogLevel = (): string => {
  const v = process.env.LLMOS_LOG_LEVEL;
  if (v === undefined || v.trim() === '') return 'info';
  if ((LOG_LEVELS as readonly string[]).includes(v)) return v;
  problems.push(`LLMOS_LOG_LEVEL=${JSON.stringify(v).slice(0, 40)} is not a log level; use one of ${LOG_LEVELS.join(', ')}, or unset it.`);
  return 'info';
};

/** Largest accepted syscall input, serialized as JSON; other byte limits derive from it. */
const maxInputBytes = envInt('LLMOS_MAX_INPUT_BYTES', 1024 * 1024);

export const params = {
  /** pino level of the stderr log. */
  logLevel: envLogLevel(),
  /** How far V8 lets a serving process's old generation grow past its live heap before a full GC, in % (0: V8's own heuristic); see cli/server-heap.ts. */
  heapGrowthPercent: envInt('LLMOS_HEAP_GROWTH_PERCENT', 30, 0),
  /** Finished processes kept for proc_get/proc_wait before the oldest is reaped. */
  maxFinished: envInt('LLMOS_MAX_FINISHED', 1000),
  /** Processes waiting in the run queue before proc_spawn answers LLMOS_EQUEUEFULL. */
  maxQueue: envInt('LLMOS_MAX_QUEUE', 100_000),
  /** Default queue share: an account may have at most ceil(maxQueue / queueShares) processes queued unless its policy sets max_queued. */
  queueShares: envInt('LLMOS_QUEUE_SHARES', 4),
  maxInputBytes,
  /** Longest stdio line (one JSON-RPC message); a longer one is discarded and answered with -32600. */
  maxLineBytes: envInt('LLMOS_MAX_LINE_BYTES', maxInputBytes * 2),
  /** Deepest nesting of objects and arrays in a syscall input. */
  maxInputDepth: envInt('LLMOS_MAX_INPUT_DEPTH', 32),
  /** Default and maximum wait of proc_wait / proc_spawn {wait:true}. */
  defaultWaitMs: 60_000,
  maxWaitMs: 3_600_000,
  /** Default max_tokens of a task. */
  defaultMaxTokens: DEFAULT_MAX_TOKENS,
  /** Time a plugin's start() may take. */
  pluginStartTimeoutMs: envInt('LLMOS_PLUGIN_START_TIMEOUT_MS', 120_000),
  /** A model call's timeout, and retries on the same model before the next candidate (if the task has one) is tried. */
  callTimeoutMs: envInt('LLMOS_CALL_TIMEOUT_MS', 120_000),
  retries: envInt('LLMOS_RETRIES', 2, 0),
  /** HTTP: time to receive a request's headers, its whole body, and an idle keep-alive connection's next request. */
  httpHeadersTimeoutMs: envInt('LLMOS_HTTP_HEADERS_TIMEOUT_MS', 10_000),
  httpRequestTimeoutMs: envInt('LLMOS_HTTP_REQUEST_TIMEOUT_MS', 30_000),
  httpKeepAliveTimeoutMs: envInt('LLMOS_HTTP_KEEPALIVE_TIMEOUT_MS', 5_000),
  /** HTTP: open connections one client address may hold; more are answered 503 and closed. */
  maxConnectionsPerClient: envInt('LLMOS_MAX_CONNECTIONS_PER_CLIENT', 64),
  /** HTTP: failed bearer-token attempts one client address may make per window before it gets 429. */
  authMaxFailures: envInt('LLMOS_AUTH_MAX_FAILURES', 10),
  authFailureWindowMs: envInt('LLMOS_AUTH_FAILURE_WINDOW_MS', 60_000),
  /** HTTP: an MCP session with no request for this long is closed. */
  sessionIdleMs: envInt('LLMOS_SESSION_IDLE_MS', 30 * 60_000),
  /** HTTP: open MCP sessions, overall and per principal (a named user, or the shared/anonymous one). */
  maxSessions: envInt('LLMOS_MAX_SESSIONS', 1000),
  maxSessionsPerUser: envInt('LLMOS_MAX_SESSIONS_PER_USER', 50),
  /** Largest clientInfo + capabilities of an initialize request, serialized as JSON (kept for the session's life). */
  maxClientInfoBytes: envInt('LLMOS_MAX_CLIENT_INFO_BYTES', 8 * 1024),
  /** On SIGTERM/SIGINT, how long processes already running may take to finish before they are put back. */
  shutdownGraceMs: envInt('LLMOS_SHUTDOWN_GRACE_MS', 10_000, 0),
  /** Tool calls (collab_*, model_eval) one owner may have running as MCP tasks at once; more are refused with LLMOS_EQUEUEFULL. */
  maxLiveTasks: envInt('LLMOS_MAX_LIVE_TASKS', 32),
  /** Least time between two progress notifications of streamed tokens to one waiting MCP call (state changes go at once). */
  progressEveryMs: envInt('LLMOS_PROGRESS_EVERY_MS', 100, 0),
  /** proc_list page size. */
  defaultListLimit: 50,
  maxListLimit: 1000,
} as const;

/**
 * Throws LLMOS_EINVAL naming the first LLMOS_* variable whose value cannot be
 * used, so a typo stops start-up instead of silently becoming a default.
 */
export function checkEnvironment(): void {
  if (problems.length) throw new LlmosError('LLMOS_EINVAL', problems.length > 1 ? `${problems[0]} (and ${problems.length - 1} more: ${problems.slice(1).map((p) => p.split('=')[0]).join(', ')})` : problems[0]);
}
