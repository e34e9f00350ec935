import { checkParams, costOf, LlmosError, taskTokens, z, type Allocation, type AllocationContext, type AllocationFeedback, type Allocator, type ModelInfo, type PerfTable, type Task } from '../../src/plugin-api/index.js';

export const PerfOptions = z.object({
  w_accuracy: z.number().min(0).default(1).describe('Weight of accuracy (0..1) in the score.'),
  lambda: z.number().min(0).default(20).describe('Score lost per dollar of expected cost.'),
  w_latency_s: z.number().min(0).default(0).describe('Score lost per second of expected latency.'),
  prior_accuracy: z.number().min(0).max(1).default(0.5).describe('Accuracy assumed for a model never measured on the task type.'),
  max_cost_usd: z.number().positive().optional().describe('Hard budget: skip models expected to cost more per call.'),
  latency_slo_ms: z.number().positive().optional().describe('Hard SLO: skip models expected to take longer.'),
});
export type PerfConfig = z.infer<typeof PerfOptions>;

const fmt = (v: number) => (Math.abs(v) >= 0.01 || v === 0 ? v.toFixed(3) : v.toExponential(2));

/**
 * Scores each candidate from the performance table as
 * w_accuracy·accuracy − λ·cost − w_latency_s·latency, after hard constraints
 * (context window, budget, latency SLO, the task's deadline). Measured values
 * win over list prices and speeds; feedback folds into the table.
 */
export class PerfAllocator implements Allocator {
  readonly name = 'perf';
  constructor(
    private readonly table: () => PerfTable,
    readonly cfg: PerfConfig,
  ) {}

  private estimate(task: Task, m: ModelInfo) {
    const e = this.table().get(m.id, task.type ?? 'chat');
    const tokens = taskTokens(task);
    const out = Math.min(task.max_tokens, m.capabilities.max_output_tokens);
    return {
      tokens,
      accuracy: e?.accuracy ?? this.cfg.prior_accuracy,
      cost: e && e.n_cost > 0 ? e.cost_usd : costOf(m, tokens, out),
      latency: e && e.n_latency > 0 ? e.latency_ms : m.expected_tokens_per_s > 0 ? (1000 * out) / m.expected_tokens_per_s : 0,
    };
  }

  choose(task: Task, candidates: readonly ModelInfo[], ctx?: AllocationContext): Allocation {
    const now = ctx?.now ?? Date.now();
    const slo = Math.min(this.cfg.latency_slo_ms ?? Infinity, task.deadline_ms ? task.deadline_ms - now : Infinity);
    const scores: Record<string, number> = {};
    const excluded: string[] = [];
    let best: { m: ModelInfo; s: number; e: ReturnType<PerfAllocator['estimate']> } | undefined;
    for (const m of candidates) {
      const e = this.estimate(task, m);
      const why =
        e.tokens + Math.min(task.max_tokens, m.capabilities.max_output_tokens) > m.capabilities.context_window ? 'context window'
        : this.cfg.max_cost_usd !== undefined && e.cost > this.cfg.max_cost_usd ? 'budget'
        : e.latency > slo ? 'latency SLO'
        : undefined;
      if (why) {
        excluded.push(`${m.id} (${why})`);
        scores[m.id] = -1e9;
        continue;
      }
      const s = this.cfg.w_accuracy * e.accuracy - this.cfg.lambda * e.cost - (this.cfg.w_latency_s * e.latency) / 1000;
      scores[m.id] = s;
      if (!best || s > best.s) best = { m, s, e };
    }
    if (!best) throw new LlmosError('LLMOS_ENOMODEL', `no model meets the hard constraints: ${excluded.join(', ')}. Raise max_cost_usd / latency_slo_ms, give a later deadline, or shorten the prompt.`);
    return {
      model: best.m.id,
      reason: `performance table for ${task.type ?? 'chat'}: ${best.m.id} has accuracy ${fmt(best.e.accuracy)}, cost $${fmt(best.e.cost)}, latency ${Math.round(best.e.latency)} ms → score ${fmt(best.s)}, best of ${candidates.length - excluded.length}${excluded.length ? `; excluded ${excluded.join(', ')}` : ''}.`,
      scores,
    };
  }

  /** Quality only from a rating or a failure (an exit alone does not say the answer was right). */
  feedback(e: AllocationFeedback): void {
    const quality = e.reward !== undefined ? e.reward : e.ok ? undefined : 0;
    this.table().record(e.model, e.task.type ?? 'chat', {
      quality,
      source: e.reward !== undefined ? 'feedback' : 'live',
      ...(e.ok ? { cost_usd: e.cost_usd, latency_ms: e.latency_ms || undefined, completion_tokens: e.completion_tokens } : {}),
    });
  }

  /** alloc_set params (LLMOS_EINVAL for an unknown key or a value out of range). */
  configure(p: Record<string, unknown>): void {
    const { w_accuracy, lambda, w_latency_s } = PerfOptions.shape;
    Object.assign(this.cfg, checkParams(this.name, { w_accuracy: w_accuracy.unwrap(), lambda: lambda.unwrap(), w_latency_s: w_latency_s.unwrap() }, p));
  }

  snapshot(): Record<string, unknown> {
    return { ...this.cfg };
  }
}
