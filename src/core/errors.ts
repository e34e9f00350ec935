import type { z } from 'zod';

/**
 * Coded errors. Every failure that reaches a client is an LlmosError whose
 * code is stable (LLMOS_E…) and whose message says what to do next.
 */
export type ErrorCode =
  | 'LLMOS_EINVAL' // input failed validation
  | 'LLMOS_ETOOBIG' // input over the size limit
  | 'LLMOS_ENOSYS' // unknown syscall
  | 'LLMOS_ENOPROC' // unknown pid
  | 'LLMOS_ENOMODEL' // no model can serve the task
  | 'LLMOS_EQUEUEFULL' // run queue at its maximum
  | 'LLMOS_EBUDGET' // owner's token or cost budget would be overspent
  | 'LLMOS_ECONTEXT' // prompt + max_tokens exceed the model's context window
  | 'LLMOS_ERATELIMIT' // requests- or tokens-per-minute limit reached
  | 'LLMOS_ETIMEDOUT' // a wait, call or start ran past its timeout
  | 'LLMOS_EKILLED' // the process was killed
  | 'LLMOS_EPREEMPTED' // a call was cancelled to make room; the process is queued again
  | 'LLMOS_EUPSTREAM' // a model backend failed
  | 'LLMOS_EUNAVAILABLE' // a model or service is cooling down or drained
  | 'LLMOS_EKGUNAVAILABLE' // the knowledge store cannot be reached
  | 'LLMOS_EPLUGIN' // plugin config, dependency or lifecycle failure
  | 'LLMOS_EPERM' // the caller may not do this
  | 'LLMOS_EEXIST' // the thing already exists
  | 'LLMOS_EBUSY' // another kernel already serves this data dir
  | 'LLMOS_EINTERNAL'; // a bug: report it

export class LlmosError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly data: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'LlmosError';
  }

  toJSON(): { code: ErrorCode; message: string; data?: Record<string, unknown> } {
    return Object.keys(this.data).length
      ? { code: this.code, message: this.message, data: this.data }
      : { code: this.code, message: this.message };
  }
}

export const isLlmosError = (e: unknown): e is LlmosError => e instanceof LlmosError;

/** Maps any thrown value to an LlmosError; unknown errors become EINTERNAL. */
export function toLlmosError(e: unknown): LlmosError {
  if (e instanceof LlmosError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new LlmosError('LLMOS_EINTERNAL', `internal error: ${msg}. This is a bug in LLMOS or a plugin; check the server log.`);
}

/** The common errors, phrased once. */
export const Errors = {
  noProc: (pid: number) =>
    new LlmosError('LLMOS_ENOPROC', `no process with pid ${pid}; list live and recent pids with proc_list (finished processes are reaped after the retention limit).`, { pid }),
  noSyscall: (name: string, known: string[]) =>
    new LlmosError('LLMOS_ENOSYS', `unknown syscall "${name}"; known syscalls: ${known.join(', ')}.`, { name }),
  queueFull: (max: number) =>
    new LlmosError('LLMOS_EQUEUEFULL', `the run queue holds its maximum of ${max} processes; retry in a few seconds or raise LLMOS_MAX_QUEUE.`, { max, retry_after_ms: 1000 }),
  waitTimedOut: (pid: number, ms: number) =>
    new LlmosError('LLMOS_ETIMEDOUT', `process ${pid} did not finish within ${ms} ms and keeps running; wait again with proc_wait {"pid": ${pid}} or raise timeout_ms.`, { pid, timeout_ms: ms }),
  noModel: (why: string) =>
    new LlmosError('LLMOS_ENOMODEL', `no model can run this task: ${why}. List models with model_list, or register one with model_register.`),
} as const;

/** The most issues an error message lists: a 50,000-element array of wrong items must not make a megabyte answer. */
export const MAX_LISTED_ISSUES = 10;

/** Formats zod issues as "field: problem; field: problem", the first MAX_LISTED_ISSUES of them and how many more; `root` names the whole value. */
export function describeIssues(error: z.ZodError, root = '(input)'): string {
  const listed = error.issues.slice(0, MAX_LISTED_ISSUES).map((i) => `${i.path.length ? i.path.join('.') : root}: ${i.message}`);
  const more = error.issues.length - listed.length;
  return listed.join('; ') + (more > 0 ? `; and ${more} more issue${more === 1 ? '' : 's'} of the same kind or others` : '');
}
