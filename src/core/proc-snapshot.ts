import type { Attempt, ProcAllocation, ProcError, ProcResult, ProcView, Usage } from './process.js';
import type { Task } from './task.js';

/**
 * A process as a record: everything but its live handles (signal,
 * container), in plain JSON. Journals store it and a shared process table
 * passes it between nodes; only the kernel turns it back into a process
 * (see Journal.replay and RunHost.mirror). Optional fields absent from a
 * record mean "not set".
 */
export interface ProcSnapshot {
  pid: number;
  ppid: number;
  owner: string;
  kind: ProcView['kind'];
  state: ProcView['state'];
  exit?: ProcView['exit'];
  task: Task;
  created: number;
  started?: number;
  finished?: number;
  model?: string;
  attempts: Attempt[];
  usage: Usage;
  result?: ProcResult;
  error?: ProcError;
  allocation?: ProcAllocation;
  rating?: number;
  children: number[];
}

/**
 * The record of a process now, as JSON: what JSON.stringify(procSnapshot(p))
 * gives, without first copying the process's objects (less garbage for the
 * journal, which writes one per change). The compiler refuses a ProcSnapshot
 * field missing here.
 */
export function procSnapshotJson(p: ProcView): string {
  const { pid, ppid, owner, kind, state, exit, task, created, started, finished, model, attempts, usage, result, error, allocation, rating, children } = p;
  const rec = { pid, ppid, owner, kind, state, exit, task, created, started, finished, model, attempts, usage, result, error, allocation, rating, children } satisfies { [K in keyof ProcSnapshot]-?: unknown };
  return JSON.stringify(rec);
}

/** The record of a process now (copies: later changes to the process do not show in it). */
export function procSnapshot(p: ProcView): ProcSnapshot {
  return {
    pid: p.pid,
    ppid: p.ppid,
    owner: p.owner,
    kind: p.kind,
    state: p.state,
    exit: p.exit,
    task: { ...p.task },
    created: p.created,
    started: p.started,
    finished: p.finished,
    model: p.model,
    attempts: p.attempts.map((a) => ({ ...a })),
    usage: { ...p.usage },
    result: p.result && { ...p.result },
    error: p.error && { ...p.error },
    allocation: p.allocation && { ...p.allocation, scores: { ...p.allocation.scores } },
    rating: p.rating,
    children: [...p.children],
  };
}
