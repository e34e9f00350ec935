import { LlmosError } from '../core/errors.js';
import type { Dispatcher } from './dispatch.js';
import type { Executor } from './exec.js';
import type { ProcessTable } from './proc.js';

/** What a graceful stop did: processes that finished within the grace period, and those put back. */
export interface ShutdownCounts {
  finished: number;
  put_back: number;
}

/** The kernel parts a graceful stop works on. */
export interface ShutdownParts {
  procs: ProcessTable;
  dispatcher: Dispatcher;
  exec: Executor;
  /** Aborted, once the rest is put back, with the error waiters are told. */
  stopper: AbortController;
  /** Whether a journal keeps live processes for the next start (what the messages may promise). */
  journaled: boolean;
}

/** Time the cancelled calls get to unwind after the grace period. */
const UNWIND_MS = 5_000;

const picked = (procs: ProcessTable) => [...procs.scan()].filter((p) => p.kind === 'task' && (p.state === 'running' || p.state === 'blocked'));

/** Resolves when `done` resolves or after ms, whichever is first. */
const within = (done: Promise<void>, ms: number) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    void done.then(() => (clearTimeout(t), resolve()));
  });

/**
 * The graceful stop (the caller has already refused new spawns): picks
 * nothing more from the queue, waits up to graceMs for picked processes to
 * finish, then cancels the calls still in flight as a preemption with
 * data.cause 'shutdown'. A preempted process goes back to READY and records
 * no exit, so a journal keeps it live and the next start queues it again;
 * it is never recorded as a model failure. Waiters (proc_wait, wait:true)
 * are released with LLMOS_EUNAVAILABLE saying so.
 */
export async function drainAndHalt(k: ShutdownParts, graceMs: number): Promise<ShutdownCounts> {
  k.dispatcher.pause();
  const before = picked(k.procs).length;
  await within(k.dispatcher.whenIdle(), graceMs);
  const rest = picked(k.procs);
  k.exec.halt();
  const back = k.journaled ? 'put back in the queue and runs again when the server starts on this data dir' : 'lost: no journal is loaded to keep it';
  for (const p of rest) p.callController?.abort(new LlmosError('LLMOS_EPREEMPTED', `the server shut down while process ${p.pid} ran; it is ${back}.`, { pid: p.pid, cause: 'shutdown' }));
  const waiters = k.journaled ? 'are put back in the queue and run again when the server starts on this data dir; collect them then with proc_wait' : 'are lost: no journal is loaded to keep them';
  k.stopper.abort(new LlmosError('LLMOS_EUNAVAILABLE', `the server is shutting down; unfinished processes ${waiters}.`, { cause: 'shutdown' }));
  await within(k.dispatcher.whenIdle(), Math.min(graceMs, UNWIND_MS));
  return { finished: before - rest.length, put_back: rest.length };
}
