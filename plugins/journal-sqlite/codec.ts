import { type Task } from '../../src/plugin-api/index.js';
// TODO(issue 12): transitional reach into the kernel, replaced by the RunQueue/Journal extension points.
import { Process } from '../../src/kernel/proc.js';
import { Process as ProcessClass } from '../../src/kernel/proc.js';

/** What the journal stores of a process: everything but its live handles (signal, container). */
export interface StoredProc {
  pid: number;
  ppid: number;
  owner: string;
  kind: Process['kind'];
  state: Process['state'];
  exit?: Process['exit'];
  task: Task;
  created: number;
  started?: number;
  finished?: number;
  model?: string;
  attempts: Process['attempts'];
  usage: Process['usage'];
  result?: Process['result'];
  error?: Process['error'];
  allocation?: Process['allocation'];
  rating?: number;
  children: number[];
}

/** The compact JSON form of a process (undefined fields drop out of JSON.stringify). */
export function encodeProc(p: Process): string {
  const s: StoredProc = {
    pid: p.pid,
    ppid: p.ppid,
    owner: p.owner,
    kind: p.kind,
    state: p.state,
    exit: p.exit,
    task: p.task,
    created: p.created,
    started: p.started,
    finished: p.finished,
    model: p.model,
    attempts: p.attempts,
    usage: p.usage,
    result: p.result,
    error: p.error,
    allocation: p.allocation,
    rating: p.rating,
    children: p.children,
  };
  return JSON.stringify(s);
}

/** Rebuilds a Process object from its stored form; state and history as they were journaled. */
export function decodeProc(json: string): Process {
  const s = JSON.parse(json) as StoredProc;
  const p = new ProcessClass(s.pid, s.ppid, s.owner, s.task);
  p.state = s.state;
  p.kind = s.kind;
  p.exit = s.exit;
  p.created = s.created;
  p.readyAt = s.created;
  p.started = s.started;
  p.finished = s.finished;
  p.model = s.model;
  p.attempts.push(...s.attempts);
  Object.assign(p.usage, s.usage);
  p.result = s.result;
  p.error = s.error;
  p.allocation = s.allocation;
  p.rating = s.rating;
  p.children.push(...s.children);
  return p;
}
