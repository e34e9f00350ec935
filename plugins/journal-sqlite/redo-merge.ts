import type { RedoRow } from './redo-log.js';

/** Where a record's task starts: after its first `"task":`, which no string before it can hold (JSON escapes their quotes). */
const taskStart = (rec: string): number => rec.indexOf('"task":') + 7;

/**
 * `row`, which leaves its task out, made whole with the task of `before`:
 * the process's previous row in the same log (whole, or made whole by this).
 * Throws, naming the file, when there is none: the writer puts a process's
 * task in the log before any row that leaves it out, and a log of a previous
 * version (rows without taskLength) is taken in at start, before any row.
 */
export function withTaskOf(row: RedoRow, before: RedoRow | undefined, path: string): RedoRow {
  if (typeof before?.taskLength !== 'number') throw new Error(`the journal's redo log ${path} has a row of process ${row.pid} without its task and no earlier row with it; move the file aside to start without its changes`);
  const from = taskStart(before.rec);
  const task = before.rec.slice(from, from + before.taskLength);
  const at = taskStart(row.rec);
  return { ...row, rec: row.rec.slice(0, at) + task + row.rec.slice(at), taskLength: task.length };
}
