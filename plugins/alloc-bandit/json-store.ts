import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * A JSON file written atomically (write a sibling temp file, then rename), so
 * a crash mid-save leaves the previous state intact. Saves are coalesced:
 * markDirty() schedules one write after `delayMs`; flush() writes now.
 */
export class JsonStore<T> {
  private timer?: NodeJS.Timeout;

  constructor(
    readonly file: string,
    private readonly produce: () => T,
    private readonly delayMs = 1000,
  ) {}

  /** The saved value, or undefined when there is none; throws on a corrupt file. */
  read(): T | undefined {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    return JSON.parse(text) as T;
  }

  markDirty(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.delayMs);
    this.timer.unref();
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.produce()));
    renameSync(tmp, this.file);
  }
}
