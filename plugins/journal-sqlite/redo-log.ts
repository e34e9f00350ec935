import { join } from 'node:path';
import { closeSync, existsSync, fdatasyncSync, fstatSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';

/** One change to a process row, as the redo log holds it. */
export interface RedoRow {
  pid: number;
  state: string;
  /** The process's exit order number, on the change that exited it (null otherwise). */
  exitSeq: number | null;
  /**
   * The process record as JSON (procSnapshotJson), or, when `taskLength` is
   * null, that JSON without its task's (`…"task":,"created"…`): the task is
   * that of the process's row before it in the same log.
   */
  rec: string;
  /** The length of the task's JSON in `rec`; null when `rec` leaves it out; undefined for a whole `rec` of unsaid task length (written without the column, as a previous version did). */
  taskLength?: number | null;
}

/**
 * An append-only file of row changes not yet in the SQLite image: what makes
 * a change durable between two commits of the image.
 *
 * Format: one line per change, `pid TAB state TAB exitSeq-or-empty TAB
 * taskLength-or-empty TAB rec`, or without the taskLength column for a whole
 * record of unsaid task length (as a previous version wrote every line). The
 * record is JSON, which escapes every tab and newline inside it, so it can
 * end the line unquoted. A line without its newline was torn by a crash
 * mid-write and was never acknowledged: readers drop it.
 *
 * Durability: a change is in the OS once append() returns, which survives
 * kill -9 of the server; with `sync` each append is also fdatasync'ed, which
 * survives a power loss.
 */
export class RedoLog {
  private readonly fd: number;
  /** The file's length after the last whole append: a failed append is cut back to it. */
  private size: number;
  /** A failed append may have left part of a line after `size`. */
  private torn = false;

  constructor(
    readonly path: string,
    private readonly sync: boolean,
  ) {
    this.fd = openSync(path, 'a');
    this.size = fstatSync(this.fd).size;
  }

  /** Appends the rows as whole lines, or throws and leaves the file as it was. */
  append(rows: Iterable<RedoRow>): void {
    if (this.torn) ftruncateSync(this.fd, this.size); // a failed append's cut failed too: no line goes after a torn one
    this.torn = false;
    let text = '';
    for (const r of rows) text += `${r.pid}\t${r.state}\t${r.exitSeq ?? ''}\t${r.taskLength === undefined ? '' : `${r.taskLength ?? ''}\t`}${r.rec}\n`;
    try {
      const length = Buffer.byteLength(text);
      const written = writeSync(this.fd, text); // whole, but for a full disk or a signal
      if (written < length) for (let bytes = Buffer.from(text), at = written; at < length; ) at += writeSync(this.fd, bytes, at);
      if (this.sync) fdatasyncSync(this.fd);
      this.size += length;
    } catch (err) {
      this.torn = true;
      ftruncateSync(this.fd, this.size);
      this.torn = false;
      throw err;
    }
  }

  /** Empties the file: everything in it is now in the image. */
  clear(): void {
    ftruncateSync(this.fd, 0);
    if (this.sync) fdatasyncSync(this.fd);
    this.size = 0;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Where the redo log of the SQLite file `file` under `dataDir` lives (beside it). */
export const redoPath = (dataDir: string, file: string): string => join(dataDir, `${file}-redo`);

/** The whole lines of a redo log file, in order (none when there is no file). */
export function readRedo(path: string): RedoRow[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  const rows: RedoRow[] = [];
  // Up to the last newline: after it is nothing, or a line torn by a crash.
  for (let start = 0, nl = text.indexOf('\n'); nl >= 0; start = nl + 1, nl = text.indexOf('\n', start)) {
    const row = parseRow(text, start, nl);
    if (!row) throw new Error(`line ${rows.length + 1} of the journal's redo log ${path} is not a row; move the file aside to start without its changes`);
    rows.push(row);
  }
  return rows;
}

/** The row on text[start, end), or undefined when it is not one. */
function parseRow(text: string, start: number, end: number): RedoRow | undefined {
  const t1 = text.indexOf('\t', start);
  const t2 = t1 < 0 ? -1 : text.indexOf('\t', t1 + 1);
  const t3 = t2 < 0 ? -1 : text.indexOf('\t', t2 + 1);
  if (t3 < 0 || t3 >= end) return undefined;
  const whole = text.charCodeAt(t3 + 1) === 123; /* { : a previous version's line, without taskLength */
  const t4 = whole ? t3 : text.indexOf('\t', t3 + 1);
  if (t4 < 0 || t4 >= end || text.charCodeAt(t4 + 1) !== 123 /* { */) return undefined;
  const pid = text.slice(start, t1);
  const state = text.slice(t1 + 1, t2);
  const exitSeq = text.slice(t2 + 1, t3);
  const taskLength = whole ? undefined : text.slice(t3 + 1, t4);
  if (!/^\d+$/.test(pid) || !/^[a-z]+$/.test(state) || !/^\d*$/.test(exitSeq) || !/^\d*$/.test(taskLength ?? '')) return undefined;
  const row: RedoRow = { pid: Number(pid), state, exitSeq: exitSeq === '' ? null : Number(exitSeq), rec: text.slice(t4 + 1, end) };
  if (taskLength !== undefined) row.taskLength = taskLength === '' ? null : Number(taskLength);
  return row;
}
