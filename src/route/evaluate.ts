import type { Logger } from '../core/log.js';
import { oracleScore, randomScore, singleModelScores } from './baselines.js';
import { loadRouterBench, type OutcomeRow, type Skipped } from './dataset.js';
import { ReplayHost } from './host.js';
import { scoreReplay, warmUp, type ReplayItem, type WarmupFeedback } from './replay.js';
import type { ReplayRun, Score } from './tally.js';
import { shuffled, splitPerFile } from './shuffle.js';

export interface RouteEvalOptions {
  data: string[];
  warmup?: string[];
  /** Allocator name; default "bandit". */
  allocator?: string;
  /** Passed as `lambda` to alloc-bandit (then kept fixed: no budget pacing) and alloc-perf. */
  lambda?: number;
  /** alloc-bandit's budget_share: spend this share of what always the best-rated model would cost. */
  budgetShare?: number;
  seed?: number;
  /** Score only this seeded fraction of each --data file; the rest joins the warm-up. */
  holdout?: number;
  warmupFeedback?: WarmupFeedback;
  /** The plugin config whose allocator and profiler plugins are replayed; default: the file `llmos serve` reads. */
  config?: string;
  /** Extra plugin options over the config's: { "alloc-bandit": { alpha: 0.1 } }. */
  pluginOptions?: Record<string, Record<string, unknown>>;
  logger?: Logger;
}

export interface RouteEvalReport extends Score {
  baselines: Record<string, Score>;
  oracle: Score;
  random: Score;
  prompts: number;
  skipped_rows: number;
  allocator: string;
  lambda: number | null;
  /** λ after the run; differs from `lambda` when the allocator paces it to a spend target. */
  lambda_final: number | null;
  seed: number;
  warmup_prompts: number;
  choices: ReplayRun['choices'];
  regret: ReplayRun['regret'];
  by_family: ReplayRun['by_family'];
  /** The first skipped rows with their reasons. */
  skipped: Skipped[];
}

/** Rows to warm up on and rows to score, after the holdout split. */
export interface Streams {
  models: string[];
  warm: OutcomeRow[];
  score: OutcomeRow[];
  skipped: Skipped[];
}

export function loadStreams(o: Pick<RouteEvalOptions, 'data' | 'warmup' | 'holdout' | 'seed'>): Streams {
  const seed = o.seed ?? 1;
  const data = loadRouterBench(o.data);
  const warm = o.warmup?.length ? loadRouterBench(o.warmup) : { models: data.models, rows: [], skipped: [] };
  const missing = data.models.find((m) => !warm.models.includes(m));
  if (missing) throw new Error(`the --warmup files have no column "${missing}", which the --data files have; use files with the same models.`);
  const warmRows = warm.rows.map((r) => ({ ...r, correct: data.models.map((m) => r.correct[warm.models.indexOf(m)]), cost: data.models.map((m) => r.cost[warm.models.indexOf(m)]), answerChars: data.models.map((m) => r.answerChars[warm.models.indexOf(m)]) }));
  let score = data.rows;
  if (o.holdout !== undefined) {
    const split = splitPerFile(data.rows, o.holdout, seed);
    warmRows.push(...split.rest);
    score = split.holdout;
  }
  return { models: data.models, warm: shuffled(warmRows, seed + 1), score: shuffled(score, seed), skipped: [...warm.skipped, ...data.skipped] };
}

/** Profiles prompts once (the profiler is deterministic), as the kernel would at spawn. */
export function toItems(host: ReplayHost, rows: readonly OutcomeRow[]): ReplayItem[] {
  return rows.map((row) => ({ task: host.task(row.prompt), row }));
}

function hostOptions(o: RouteEvalOptions, lambda: number | undefined): RouteEvalOptions['pluginOptions'] {
  const p = { ...o.pluginOptions };
  const seed = o.seed ?? 1;
  // An explicit λ is kept fixed: budget pacing would move it.
  p['alloc-bandit'] = { seed, ...(lambda !== undefined ? { lambda, budget_share: 0 } : {}), ...(o.budgetShare !== undefined ? { budget_share: o.budgetShare } : {}), ...p['alloc-bandit'] };
  if (lambda !== undefined) p['alloc-perf'] = { lambda, ...p['alloc-perf'] };
  return p;
}

/** One replay of the allocator on prepared streams (a fresh kernel, so runs do not share state). */
export async function runOnce(o: RouteEvalOptions, s: Streams, items: { warm: ReplayItem[]; score: ReplayItem[] }, lambda = o.lambda): Promise<ReplayRun & { lambda: number | null; lambda_final: number | null }> {
  const host = await ReplayHost.open({ config: o.config, pluginOptions: hostOptions(o, lambda), logger: o.logger });
  try {
    const alloc = host.allocator(o.allocator ?? 'bandit');
    const lam = lambda ?? (alloc.snapshot?.().lambda as number | undefined) ?? null;
    await warmUp(alloc, items.warm, s.models, host, o.warmupFeedback ?? 'all');
    const run = await scoreReplay(alloc, items.score, s.models, host, lam ?? 0);
    const after = alloc.snapshot?.().lambda;
    return { ...run, lambda: lam, lambda_final: typeof after === 'number' ? after : lam };
  } finally {
    await host.close();
  }
}

/** Everything route-eval prints: the allocator's run, every single model, the oracle and random choice. */
export async function routeEval(o: RouteEvalOptions): Promise<RouteEvalReport & { items: { warm: ReplayItem[]; score: ReplayItem[] }; streams: Streams }> {
  const s = loadStreams(o);
  const profiler = await ReplayHost.open({ config: o.config, pluginOptions: hostOptions(o, o.lambda), logger: o.logger });
  let items: { warm: ReplayItem[]; score: ReplayItem[] };
  try {
    profiler.allocator(o.allocator ?? 'bandit'); // fail fast, listing the names, on an unknown allocator
    items = { warm: toItems(profiler, s.warm), score: toItems(profiler, s.score) };
  } finally {
    await profiler.close();
  }
  const run = await runOnce(o, s, items);
  return {
    accuracy: run.accuracy,
    cost_per_1k: run.cost_per_1k,
    baselines: singleModelScores(s.score, s.models),
    oracle: oracleScore(s.score),
    random: randomScore(s.score, o.seed ?? 1),
    prompts: run.prompts,
    skipped_rows: s.skipped.length,
    allocator: o.allocator ?? 'bandit',
    lambda: run.lambda,
    lambda_final: run.lambda_final,
    seed: o.seed ?? 1,
    warmup_prompts: s.warm.length,
    choices: run.choices,
    regret: run.regret,
    by_family: run.by_family,
    skipped: s.skipped.slice(0, 20),
    items,
    streams: s,
  };
}
