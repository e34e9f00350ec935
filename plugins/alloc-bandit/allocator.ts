import { type Allocation, type AllocationContext, type AllocationFeedback, type Allocator, type ModelInfo, type Task, type Rng } from '../../src/plugin-api/index.js';
import { contextKey, type BanditState } from './bandit-state.js';

export type Policy = 'linucb' | 'thompson' | 'ucb1';

/** Tunable at run time (alloc_set params). */
export interface BanditParams {
  /** Reward = quality − lambda · dollars; quality points one dollar per call is worth. */
  lambda: number;
  /** LinUCB exploration: width multiplier. */
  alpha: number;
  /** UCB1 exploration constant. */
  ucb_c: number;
  /**
   * Spend target in dollars per 1,000 allocations; 0 means none. When set,
   * λ is paced online (multiplicative dual ascent on the expected cost of each
   * choice) so that spending tracks the target.
   */
  budget_per_1k: number;
  /** Pacing step size. */
  pace_rate: number;
}

const fmt = (v: number) => (Math.abs(v) >= 0.01 || v === 0 ? v.toFixed(3) : v.toExponential(2));

/**
 * One bandit policy over the shared BanditState. choose() scores every
 * candidate as estimated quality (+ exploration) − λ·expected cost and takes
 * the best; ties go to a seeded random pick. feedback() learns.
 */
export class BanditAllocator implements Allocator {
  readonly name: string;

  constructor(
    readonly policy: Policy,
    private readonly state: BanditState,
    readonly params: BanditParams,
    private readonly rng: Rng,
  ) {
    this.name = policy === 'linucb' ? 'bandit' : `bandit-${policy}`;
  }

  choose(task: Task, candidates: readonly ModelInfo[], _ctx?: AllocationContext): Allocation {
    const scores: Record<string, number> = {};
    const detail: Record<string, { q: number; cost: number }> = {};
    let best: string | undefined;
    let bestScore = -Infinity;
    let ties = 0;
    for (const m of candidates) {
      const cost = this.state.expectedCost(task, m);
      const q = this.quality(task, m.id);
      const score = q - this.params.lambda * cost;
      scores[m.id] = Number.isFinite(score) ? score : 1e9;
      detail[m.id] = { q, cost };
      if (score > bestScore) {
        best = m.id;
        bestScore = score;
        ties = 1;
      } else if (score === bestScore && this.rng.next() < 1 / ++ties) best = m.id; // reservoir tie-break
    }
    const d = detail[best!];
    const lambdaUsed = this.params.lambda;
    this.pace(d.cost);
    const what = this.policy === 'linucb' ? 'LinUCB over task features' : `${this.policy} in context ${contextKey(task)}`;
    return {
      model: best!,
      reason: `${what}: ${best} scored quality ${fmt(d.q)} − λ ${fmt(lambdaUsed)} × cost $${fmt(d.cost)} = ${fmt(bestScore)}, best of ${candidates.length}.`,
      scores,
    };
  }

  /** Moves λ up when a choice costs more than the budget per call, down when less. */
  private pace(cost: number): void {
    const target = this.params.budget_per_1k / 1000;
    if (target <= 0) return;
    const step = Math.exp(this.params.pace_rate * Math.max(-1, Math.min(10, cost / target - 1)));
    this.params.lambda = Math.min(1e6, Math.max(1e-3, this.params.lambda * step));
  }

  /** Optimistic or sampled quality of one model for this task. */
  private quality(task: Task, id: string): number {
    if (this.policy === 'linucb') {
      const a = this.state.arms.get(id);
      const x = this.state.features(task);
      if (!a) return 1 + this.params.alpha * Math.sqrt(x.reduce((s, v) => s + v * v, 0)); // untried: optimistic
      return a.quality.predict(x) + this.params.alpha * Math.sqrt(a.quality.width2(x));
    }
    const s = this.state.contexts.get(contextKey(task))?.get(id) ?? { n: 0, s: 0 };
    if (this.policy === 'thompson') return this.rng.beta(1 + s.s, 1 + s.n - s.s);
    if (s.n === 0) return Infinity; // UCB1 plays every arm once first
    let total = 0;
    for (const t of this.state.contexts.get(contextKey(task))!.values()) total += t.n;
    return s.s / s.n + this.params.ucb_c * Math.sqrt((2 * Math.log(total)) / s.n);
  }

  feedback(event: AllocationFeedback): void {
    this.state.feedback(event);
  }

  /** alloc_set params: only known numeric keys are taken. */
  configure(p: Record<string, unknown>): void {
    for (const k of ['lambda', 'alpha', 'ucb_c', 'budget_per_1k', 'pace_rate'] as const) if (typeof p[k] === 'number' && Number.isFinite(p[k])) this.params[k] = p[k] as number;
  }

  snapshot(): Record<string, unknown> {
    return { policy: this.policy, ...this.params, observations: this.state.observations };
  }
}
