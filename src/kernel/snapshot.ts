import type { ProcSnapshot } from '../core/proc-snapshot.js';
import { Process } from './proc.js';

/** A Process rebuilt from its record, in the record's state; it is in no table yet. */
export function processFromSnapshot(s: ProcSnapshot): Process {
  const p = new Process(s.pid, s.ppid, s.owner, s.task);
  p.state = s.state;
  p.readyAt = s.created;
  copySnapshot(p, s);
  if (s.state === 'exited') copyExit(p, s);
  return p;
}

/**
 * Copies a record's history into a live process: times, model, attempts,
 * usage, outcome so far, allocation, priority and children. The state and the
 * exit are not copied: the kernel moves those through its transitions.
 */
export function copySnapshot(p: Process, s: ProcSnapshot): void {
  p.kind = s.kind;
  p.created = s.created;
  p.started = s.started;
  p.model = s.model;
  p.attempts.splice(0, p.attempts.length, ...s.attempts.map((a) => ({ ...a })));
  Object.assign(p.usage, s.usage);
  p.result = s.result;
  p.error = s.error;
  p.allocation = s.allocation ?? p.allocation;
  p.rating = s.rating ?? p.rating;
  if (s.task.priority !== p.task.priority) p.task = { ...p.task, priority: s.task.priority };
  for (const c of s.children) if (!p.children.includes(c)) p.children.push(c);
}

/** Copies a record's exit onto a process that has exited. */
export function copyExit(p: Process, s: ProcSnapshot): void {
  p.exit = s.exit ?? p.exit;
  p.finished = s.finished ?? p.finished;
}
