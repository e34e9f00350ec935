/** Addresses tracked at most; beyond it the oldest entries are dropped first. */
const MAX_TRACKED = 10_000;

/**
 * Failed bearer-token attempts per client address, in a fixed window that
 * starts at an address's first failure. After `max` failures the address is
 * locked out until its window ends, whatever token it sends.
 */
export class AuthFailures {
  private readonly seen = new Map<string, { count: number; until: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whole seconds until `addr` may try again; 0 when it may now. */
  retryAfter(addr: string): number {
    const e = this.seen.get(addr);
    if (!e) return 0;
    const left = e.until - this.now();
    if (left <= 0) return void this.seen.delete(addr), 0;
    return e.count >= this.max ? Math.ceil(left / 1000) : 0;
  }

  fail(addr: string): void {
    const now = this.now();
    let e = this.seen.get(addr);
    if (!e || e.until <= now) {
      this.seen.delete(addr); // re-inserted last: the map stays in order of window start
      e = { count: 0, until: now + this.windowMs };
      this.seen.set(addr, e);
    }
    e.count++;
    for (const key of this.seen.keys()) {
      if (this.seen.size <= MAX_TRACKED) break;
      this.seen.delete(key);
    }
  }
}
