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
   * Spend target as a share of what always choosing the reference model
   * would cost (see referenceModel); 0 means none.
   */
  budget_share: number;
  /** The model budget_share refers to; empty: the best-rated model so far. */
  budget_reference: string;
  /** Spend target in dollars per 1,000 allocations; 0 means none. */
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

  /** Running mean of the per-call spend target, the scale of the pacing step. */
  private targetScale = 0;
  /** Paced choices awaiting their exit: pid → model and expected cost, to pace again on the real cost. */
  private readonly awaitingCost = new Map<number, { model: string; cost: number }>();

  constructor(
    readonly policy: Policy,
    private readonly state: BanditState,
    readonly params: BanditParams,
    private readonly rng: Rng,
  ) {
    this.name = policy === 'linucb' ? 'bandit' : `bandit-${policy}`;
  }

  choose(task: Task, candidates: readonly ModelInfo[], ctx?: AllocationContext): Allocation {
    const scores: Record<string, number> = {};
    const detail: Record<string, { q: number; cost: number }> = {};
    let best: string | undefined;
    let bestScore = -Infinity;
    let ties = 0;
    const reference = this.referenceModel(candidates);
    let referenceCost = 0;
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
    this.pace(d.cost, target);
    if (target !== undefined && ctx?.proc) this.expectCost(ctx.proc.pid, best!, d.cost);
    const what = this.policy === 'linucb' ? 'LinUCB over task features' : `${this.policy} in context ${contextKey(task)}`;
    return {
      model: best!,
      reason: `${what}: ${best} scored quality ${fmt(d.q)} − λ ${fmt(lambdaUsed)} × cost $${fmt(d.cost)} = ${fmt(bestScore)}, best of ${candidates.length}.`,
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

  /** Dollars this call may spend: the tighter of the share and the absolute budget; undefined when neither is set. */
  private target(referenceCost: number): number | undefined {
    const { budget_share: share, budget_per_1k: per1k } = this.params;
    if (!(share > 0) && !(per1k > 0)) return undefined;
    return Math.min(share > 0 ? share * referenceCost : Infinity, per1k > 0 ? per1k / 1000 : Infinity);
  }

  /**
   * Budget pacing (multiplicative dual ascent): λ rises when a choice is
   * expected to cost more than its target and falls when less, by steps
   * scaled to the running mean target. Spending then tracks the summed
   * targets, and at the break-even λ choices mix between the two sides.
   */
  private pace(cost: number, target: number | undefined): void {
    if (target === undefined) return;
    this.targetScale = this.targetScale > 0 ? 0.99 * this.targetScale + 0.01 * target : target;
    this.step(cost - target);
  }

  /**
   * At exit, the real cost replaces the expected one in the pacing sum, so
   * spending tracks the target even where the cost model is wrong (a kind of
   * task it has not seen yet).
   */
  private correctPace(costError: number): void {
    this.step(costError);
  }

  private step(overspend: number): void {
    if (!(this.targetScale > 0)) return;
    const step = Math.exp(this.params.pace_rate * Math.max(-10, Math.min(10, overspend / this.targetScale)));
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
    const expected = this.awaitingCost.get(event.pid);
    if (expected?.model === event.model) {
      this.awaitingCost.delete(event.pid);
      if (event.ok && Number.isFinite(event.cost_usd)) this.correctPace(event.cost_usd - expected.cost);
    }
  }

  private expectCost(pid: number, model: string, cost: number): void {
    this.awaitingCost.set(pid, { model, cost });
    if (this.awaitingCost.size > 10_000) this.awaitingCost.delete(this.awaitingCost.keys().next().value!); // exits never seen
  }

  /** alloc_set params: only known numeric keys are taken. */
  configure(p: Record<string, unknown>): void {
    for (const k of ['lambda', 'alpha', 'ucb_c', 'budget_share', 'budget_per_1k', 'pace_rate'] as const) if (typeof p[k] === 'number' && Number.isFinite(p[k])) this.params[k] = p[k] as number;
    if (typeof p.budget_reference === 'string') this.params.budget_reference = p.budget_reference;
  }

  snapshot(): Record<string, unknown> {
    return { policy: this.policy, ...this.params, observations: this.state.observations };
  }
}
