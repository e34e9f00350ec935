import { runOnce, type RouteEvalOptions, type Streams } from './evaluate.js';
import type { ReplayItem } from './replay.js';
import type { Score } from './tally.js';

/** λ values of the default sweep: from cost-blind to very cost-averse (quality points per dollar). */
export const DEFAULT_LAMBDAS = [0, 2, 5, 10, 20, 30, 35, 40, 60, 100, 200, 500];

/**
 * Replays the allocator once per λ, each on a fresh kernel with the same
 * streams and seed. Budget pacing is switched off so each run keeps its λ.
 */
export async function lambdaSweep(o: RouteEvalOptions, s: Streams, items: { warm: ReplayItem[]; score: ReplayItem[] }, lambdas = DEFAULT_LAMBDAS): Promise<Array<Score & { lambda: number }>> {
  const out: Array<Score & { lambda: number }> = [];
  const fixed: RouteEvalOptions = { ...o, pluginOptions: { ...o.pluginOptions, 'alloc-bandit': { ...o.pluginOptions?.['alloc-bandit'], budget_share: 0, budget_per_1k: 0 } } };
  for (const lambda of lambdas) {
    const r = await runOnce(fixed, s, items, lambda);
    out.push({ lambda, accuracy: r.accuracy, cost_per_1k: r.cost_per_1k });
  }
  return out;
}
