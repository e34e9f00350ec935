/**
 * Splits a byte stream at "\n" into UTF-8 lines of at most `maxBytes` (a
 * trailing "\r" is dropped). A longer line is never held whole: its bytes are
 * discarded as they arrive, onTooLong() fires once, and splitting resumes
 * after its newline. Memory held is at most maxBytes plus one chunk.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private discarding = false;

  constructor(
    private readonly maxBytes: number,
    private readonly onLine: (line: string) => void,
    private readonly onTooLong: () => void,
  ) {}

  push(chunk: Buffer | string): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let start = 0;
    while (start < bytes.length) {
      const nl = bytes.indexOf(0x0a, start);
      this.take(bytes.subarray(start, nl < 0 ? bytes.length : nl));
      if (nl < 0) return;
      this.finish();
      start = nl + 1;
    }
  }

  /** The end of the stream: a last line without a newline still counts. */
  end(): void {
    if (this.size) this.finish();
  }

  private take(piece: Buffer): void {
    if (this.discarding || !piece.length) return;
    if (this.size + piece.length > this.maxBytes) {
      this.discarding = true;
      this.reset();
      this.onTooLong();
      return;
    }
    this.parts.push(piece);
    this.size += piece.length;
  }

  private finish(): void {
    const line = this.discarding ? undefined : Buffer.concat(this.parts, this.size).toString('utf8');
    this.discarding = false;
    this.reset();
    if (line !== undefined) this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  }

  private reset(): void {
    this.parts = [];
    this.size = 0;
  }
}
