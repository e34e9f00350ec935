import { join } from 'node:path';
import { closeSync, existsSync, fdatasyncSync, fstatSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';

/** One change to a process row, as the redo log holds it. */
export interface RedoRow {
  pid: number;
  state: string;
  /** The process's exit order number, on the change that exited it (null otherwise). */
  exitSeq: number | null;
  /** The process record as JSON (procSnapshotJson). */
  rec: string;
}

/**
 * An append-only file of row changes not yet in the SQLite image: what makes
 * a change durable between two commits of the image.
 *
 * Format: one line per change, `pid TAB state TAB exitSeq-or-empty TAB rec`.
 * The record is JSON, which escapes every tab and newline inside it, so it
 * can end the line unquoted. A line without its newline was torn by a crash
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

  constructor(
    readonly path: string,
    private readonly sync: boolean,
  ) {
    this.fd = openSync(path, 'a');
    this.size = fstatSync(this.fd).size;
  }

  /** Appends the rows as whole lines, or throws and leaves the file as it was. */
  append(rows: Iterable<RedoRow>): void {
    let text = '';
    for (const r of rows) text += `${r.pid}\t${r.state}\t${r.exitSeq ?? ''}\t${r.rec}\n`;
    try {
      const length = Buffer.byteLength(text);
      const written = writeSync(this.fd, text); // whole, but for a full disk or a signal
      if (written < length) for (let bytes = Buffer.from(text), at = written; at < length; ) at += writeSync(this.fd, bytes, at);
      if (this.sync) fdatasyncSync(this.fd);
      this.size += length;
    } catch (err) {
      ftruncateSync(this.fd, this.size); // no torn line before the next append
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

const ROW = /^(\d+)\t([a-z]+)\t(\d*)\t(\{.*)$/s;

/** The whole lines of a redo log file, in order (none when there is no file). */
export function readRedo(path: string): RedoRow[] {
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.pop(); // after the last newline: empty, or a line torn by a crash
  return lines.map((line, i) => {
    const m = ROW.exec(line);
    if (!m) throw new Error(`line ${i + 1} of the journal's redo log ${path} is not a row; move the file aside to start without its changes`);
    return { pid: Number(m[1]), state: m[2], exitSeq: m[3] === '' ? null : Number(m[3]), rec: m[4] };
  });
}
