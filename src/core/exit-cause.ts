import { LlmosError } from './errors.js';

/**
 * Why a process was stopped before it finished, recorded as data.cause on
 * its error (and data.by for a kill): clients and tools read the field, the
 * message says the same for people.
 *  - cancel:     the client cancelled the request that was waiting on it
 *  - disconnect: the client that was waiting on it went away
 *  - deadline:   it passed its task's deadline_ms
 *  - kill:       proc_kill (or a plugin) stopped it; data.by says who
 *  - shutdown:   the server stopped; with a journal it is queued again at the next start
 *  - timeout:    its model calls ran past the call timeout
 */
export type ExitCause = 'cancel' | 'disconnect' | 'deadline' | 'shutdown' | 'kill' | 'timeout';

/** The cause recorded on an error, if it carries one. */
export const causeOf = (e: unknown): ExitCause | undefined => (e instanceof LlmosError ? (e.data.cause as ExitCause | undefined) : undefined);

/** The reasons the kernel stops a process with, phrased once. */
export const Stops = {
  cancelled: (pid: number) => new LlmosError('LLMOS_EKILLED', `process ${pid} was killed: the request waiting on it was cancelled by the client. Spawn it again, or spawn with wait:false to let it run on its own.`, { pid, cause: 'cancel' }),
  disconnected: (pid: number) => new LlmosError('LLMOS_EKILLED', `process ${pid} was killed: the client waiting on it disconnected. Spawn with wait:false for work that should outlive the connection.`, { pid, cause: 'disconnect' }),
  killedBy: (pid: number, by: string) => new LlmosError('LLMOS_EKILLED', `process ${pid} was killed by proc_kill from "${by}".`, { pid, cause: 'kill', by }),
  deadline: (pid: number) => new LlmosError('LLMOS_ETIMEDOUT', `process ${pid} passed its deadline; give a later deadline_ms.`, { pid, cause: 'deadline' }),
} as const;

/** The abort reason of a syscall's signal (SyscallContext.signal): why the request ended early. */
export const requestEnded = (cause: Extract<ExitCause, 'cancel' | 'disconnect'>) =>
  new LlmosError('LLMOS_EKILLED', cause === 'cancel' ? 'the request was cancelled by the client.' : 'the client disconnected.', { cause });

/** The reason to kill `pid` with when the request waiting on it ended early (`reason` is that request's abort reason). */
export const stopForEndedRequest = (pid: number, reason: unknown): LlmosError => (causeOf(reason) === 'disconnect' ? Stops.disconnected(pid) : Stops.cancelled(pid));
