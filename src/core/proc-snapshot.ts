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

/** Each task's JSON, made once: a process's task is replaced when it changes (proc_nice), never changed in place. */
const taskJson = new WeakMap<object, string>();

/**
 * The record of a process now, as JSON: what JSON.stringify(procSnapshot(p))
 * gives, without first copying the process's objects (less garbage for the
 * journal, which writes one per change), and with its task serialized once
 * however often the process changes (the prompt is most of a record). The
 * compiler refuses a ProcSnapshot field missing here.
 */
export function procSnapshotJson(p: ProcView): string {
  const [head, task, tail] = procSnapshotParts(p);
  return head + task + tail;
}

/**
 * procSnapshotJson(p) in three parts, `head + task + tail`: the task's JSON,
 * and around it the rest, `head` ending in `"task":`. A journal may store the
 * task once for several records of a process.
 */
export function procSnapshotParts(p: ProcView): [head: string, task: string, tail: string] {
  const { pid, ppid, owner, kind, state, exit, task, created, started, finished, model, attempts, usage, result, error, allocation, rating, children } = p;
  ({ pid, ppid, owner, kind, state, exit, task, created, started, finished, model, attempts, usage, result, error, allocation, rating, children }) satisfies { [K in keyof ProcSnapshot]-?: unknown };
  let taskText = taskJson.get(task);
  if (taskText === undefined) taskJson.set(task, (taskText = JSON.stringify(task)));
  // Both halves always hold a field (pid; created), so neither is "{}"; the task goes between them, in its place.
  const head = JSON.stringify({ pid, ppid, owner, kind, state, exit });
  const tail = JSON.stringify({ created, started, finished, model, attempts, usage, result, error, allocation, rating, children });
  return [`${head.slice(0, -1)},"task":`, taskText, `,${tail.slice(1)}`];
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
