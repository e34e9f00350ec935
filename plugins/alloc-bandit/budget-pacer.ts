/** The parameters the pacer reads and moves. */
export interface PacedParams {
  /** Quality points one dollar per call is worth; the pacer's output. */
  lambda: number;
  /** Step size. */
  pace_rate: number;
}

/**
 * Budget pacing by multiplicative dual ascent: after each choice λ rises when
 * the choice is expected to cost more than its target and falls when less,
 * by steps scaled to the running mean target (not clipped below, so cheap
 * choices count in full). At exit the real cost replaces the expected one in
 * that sum, so spending tracks the summed targets even where the cost model
 * is wrong; at the break-even λ choices mix between the two sides.
 */
export class BudgetPacer {
  /** Running mean of the per-call target, the scale of a step. */
  private targetScale = 0;
  /** Choices awaiting their exit: pid → expected cost. */
  private readonly awaiting = new Map<number, number>();

  constructor(private readonly params: PacedParams) {}

  /** A choice was made: `cost` expected against `target` dollars; pid (if any) to correct at exit. */
  chose(pid: number | undefined, cost: number, target: number): void {
    this.targetScale = this.targetScale > 0 ? 0.99 * this.targetScale + 0.01 * target : target;
    this.step(cost - target);
    if (pid === undefined) return;
    this.awaiting.set(pid, cost);
    if (this.awaiting.size > 10_000) this.awaiting.delete(this.awaiting.keys().next().value!); // exits never reported
  }

  /**
   * The first report on a paced pid is its exit: what it really cost, on
   * whichever model ran (a fallback too) and however it ended. Later reports
   * on it (ratings, eval scores) change nothing.
   */
  exited(pid: number, cost: number): void {
    const expected = this.awaiting.get(pid);
    if (expected === undefined) return;
    this.awaiting.delete(pid);
    if (Number.isFinite(cost) && cost >= 0) this.step(cost - expected);
  }

  private step(overspend: number): void {
    if (!(this.targetScale > 0)) return;
    const step = Math.exp(this.params.pace_rate * Math.max(-10, Math.min(10, overspend / this.targetScale)));
    this.params.lambda = Math.min(1e6, Math.max(1e-3, this.params.lambda * step));
  }
}
