import { DEFAULT_MAX_TOKENS } from '../core/task.js';

/** Limits and defaults, in one place (xv6's param.h). Env vars override where named. */
const envInt = (name: string, dflt: number, min = 1): number => {
  const v = process.env[name];
  const n = v === undefined ? NaN : Number(v);
  return Number.isFinite(n) && n >= min ? Math.floor(n) : dflt;
};

export const params = {
  /** Finished processes kept for proc_get/proc_wait before the oldest is reaped. */
  maxFinished: envInt('LLMOS_MAX_FINISHED', 1000),
  /** Processes waiting in the run queue before proc_spawn answers LLMOS_EQUEUEFULL. */
  maxQueue: envInt('LLMOS_MAX_QUEUE', 100_000),
  /** Largest accepted syscall input, serialized as JSON. */
  maxInputBytes: envInt('LLMOS_MAX_INPUT_BYTES', 1024 * 1024),
  /** Default and maximum wait of proc_wait / proc_spawn {wait:true}. */
  defaultWaitMs: 60_000,
  maxWaitMs: 3_600_000,
  /** Default max_tokens of a task. */
  defaultMaxTokens: DEFAULT_MAX_TOKENS,
  /** Time a plugin's start() may take. */
  pluginStartTimeoutMs: envInt('LLMOS_PLUGIN_START_TIMEOUT_MS', 120_000),
  /** A model call's timeout, and retries on the same model before falling back. */
  callTimeoutMs: envInt('LLMOS_CALL_TIMEOUT_MS', 120_000),
  retries: envInt('LLMOS_RETRIES', 2, 0),
  /** proc_list page size. */
  defaultListLimit: 50,
  maxListLimit: 1000,
} as const;
