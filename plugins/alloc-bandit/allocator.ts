import { checkParams, z, type Allocation, type AllocationContext, type AllocationFeedback, type Allocator, type ModelInfo, type Task, type Rng } from '../../src/plugin-api/index.js';
import { contextKey, type BanditState } from './bandit-state.js';
import { BudgetPacer } from './budget-pacer.js';

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
   * Spend target as a share of what always choosing the reference model
   * would cost (see referenceModel); 0 means none.
   */
  budget_share: number;
  /** The model budget_share refers to; empty: the best-rated model so far. */
  budget_reference: string;
  /** Spend target in dollars per 1,000 allocations; 0 means none. */
  budget_per_1k: number;
  /** Pacing step size (see BudgetPacer). */
  pace_rate: number;
}

/** What alloc_set may change, in the ranges of the plugin's options. */
const RUNTIME_PARAMS = {
  lambda: z.number().min(0),
  alpha: z.number().min(0),
  ucb_c: z.number().min(0),
  budget_share: z.number().min(0).max(1),
  budget_reference: z.string(),
  budget_per_1k: z.number().min(0),
  pace_rate: z.number().positive(),
};

const fmt = (v: number) => (Math.abs(v) >= 0.01 || v === 0 ? v.toFixed(3) : v.toExponential(2));

/**
 * One bandit policy over the shared BanditState. choose() scores every
 * candidate as estimated quality (+ exploration) − λ·expected cost and takes
 * the best; ties go to a seeded random pick. feedback() learns.
 */
export class BanditAllocator implements Allocator {
  readonly name: string;

  private readonly pacer: BudgetPacer;

  constructor(
    readonly policy: Policy,
    private readonly state: BanditState,
    readonly params: BanditParams,
    private readonly rng: Rng,
  ) {
    this.name = policy === 'linucb' ? 'bandit' : `bandit-${policy}`;
    this.pacer = new BudgetPacer(params);
  }

  choose(task: Task, candidates: readonly ModelInfo[], ctx?: AllocationContext): Allocation {
    const scores: Record<string, number> = {};
    const detail: Record<string, { q: number; cost: number }> = {};
    let best: string | undefined;
    let bestScore = -Infinity;
    let ties = 0;
    const reference = this.referenceModel(candidates);
    let referenceCost: number | undefined;
    for (const m of candidates) {
      const cost = this.state.expectedCost(task, m);
      const q = this.quality(task, m.id);
      if (m.id === reference) referenceCost = cost;
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
    const target = this.target(referenceCost);
    if (target !== undefined && candidates.length > 1) this.pacer.chose(ctx?.proc.pid, d.cost, target); // a pinned model is no choice
    const what = this.policy === 'linucb' ? 'LinUCB over task features' : `${this.policy} in context ${contextKey(task)}`;
    const paced = target === undefined ? '' : ` λ is paced to spend about $${fmt(target)} a call${reference ? ` (${this.params.budget_share} × ${reference}'s expected cost)` : ''}.`;
    return {
      model: best!,
      reason: `${what}: ${best} scored quality ${fmt(d.q)} − λ ${fmt(lambdaUsed)} × cost $${fmt(d.cost)} = ${fmt(bestScore)}, best of ${candidates.length}.${paced}`,
      scores,
    };
  }

  /**
   * The model budget_share is a share of: the named budget_reference when it
   * is a candidate, else the candidate with the best mean quality over all
   * feedback so far (the pricier one on a tie).
   */
  private referenceModel(candidates: readonly ModelInfo[]): string | undefined {
    if (!(this.params.budget_share > 0)) return undefined;
    const named = this.params.budget_reference;
    if (named && candidates.some((m) => m.id === named)) return named;
    let best: { id: string; q: number; price: number } | undefined;
    for (const m of candidates) {
      const q = this.state.overallQuality(m.id);
      const price = m.pricing.input_per_1k + m.pricing.output_per_1k;
      if (q !== undefined && (!best || q > best.q || (q === best.q && price > best.price))) best = { id: m.id, q, price };
    }
    return best?.id;
  }

  /**
   * Dollars this call may spend: the tighter of the share (once there is a
   * reference model) and the absolute budget; undefined when neither applies.
   */
  private target(referenceCost: number | undefined): number | undefined {
    const { budget_share: share, budget_per_1k: per1k } = this.params;
    const t = Math.min(share > 0 && referenceCost !== undefined ? share * referenceCost : Infinity, per1k > 0 ? per1k / 1000 : Infinity);
    return Number.isFinite(t) ? t : undefined;
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
    this.pacer.exited(event.pid, event.cost_usd);
  }

  /** alloc_set params (LLMOS_EINVAL for an unknown key or a value out of range). */
  configure(p: Record<string, unknown>): void {
    Object.assign(this.params, checkParams(this.name, RUNTIME_PARAMS, p));
  }

  snapshot(): Record<string, unknown> {
    return { policy: this.policy, ...this.params, observations: this.state.observations };
  }
}
