/**
 * Bounds the values one label may take: the first `cap` distinct values pass
 * as they are, later ones read `other`. O(1) per call, so a client that makes
 * up owners or model names cannot grow the registry without bound.
 */
export class LabelCap {
  private readonly seen = new Set<string>();
  constructor(private readonly cap: number) {}

  of(value: string): string {
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.cap) return 'other';
    this.seen.add(value);
    return value;
  }

  /** The values admitted so far. */
  values(): Iterable<string> {
    return this.seen;
  }
}
