import type { OutcomeRow } from './dataset.js';

export interface Score {
  accuracy: number;
  cost_per_1k: number;
}

export interface ReplayRun extends Score {
  prompts: number;
  /** How often each model was chosen. */
  choices: Record<string, number>;
  /** Cumulative regret against the per-prompt best reward (quality − λ·cost), at ~20 points. */
  regret: Array<{ prompt: number; regret: number }>;
  /** Per eval_name, scored after the fact. */
  by_family: Record<string, Score & { prompts: number }>;
}

/**
 * The running score of a replay: accuracy and cost per 1,000 prompts,
 * choices per model, per-family figures, and cumulative regret against the
 * best reward (quality − λ·cost) each prompt allowed, sampled at ~20 points.
 */
export class ScoreTally {
  private readonly choices: Record<string, number>;
  private readonly fam: Record<string, { n: number; q: number; c: number }> = {};
  private readonly regret: ReplayRun['regret'] = [];
  private readonly every: number;
  private t = 0;
  private q = 0;
  private c = 0;
  private cum = 0;

  constructor(
    private readonly models: readonly string[],
    private readonly total: number,
    private readonly lambda: number,
  ) {
    this.choices = Object.fromEntries(models.map((m) => [m, 0]));
    this.every = Math.max(1, Math.floor(total / 20));
  }

  /** Counts a model as asked for this prompt (an ensemble asks several). */
  chose(model: string): void {
    this.choices[model]++;
  }

  /** Scores one prompt's outcome: the quality it got and what it cost in all. */
  add(row: OutcomeRow, quality: number, cost: number): void {
    this.q += quality;
    this.c += cost;
    const f = (this.fam[row.family] ??= { n: 0, q: 0, c: 0 });
    f.n++;
    f.q += quality;
    f.c += cost;
    let best = -Infinity;
    for (let j = 0; j < this.models.length; j++) best = Math.max(best, row.correct[j] - this.lambda * row.cost[j]);
    this.cum += best - (quality - this.lambda * cost);
    this.t++;
    if (this.t % this.every === 0 || this.t === this.total) this.regret.push({ prompt: this.t, regret: this.cum });
  }

  result(): ReplayRun {
    const n = Math.max(1, this.t);
    return {
      accuracy: this.q / n,
      cost_per_1k: (1000 * this.c) / n,
      prompts: this.t,
      choices: this.choices,
      regret: this.regret,
      by_family: Object.fromEntries(Object.entries(this.fam).map(([k, f]) => [k, { prompts: f.n, accuracy: f.q / f.n, cost_per_1k: (1000 * f.c) / f.n }])),
    };
  }
}
