import type { Task } from '../kernel/task.js';
import type { Allocator } from '../plugin-api/allocator.js';
import type { OutcomeRow } from './dataset.js';
import { replayCandidates, type ReplayHost } from './host.js';

/** A prompt ready to replay: the task as the kernel would profile it, and its recorded outcomes. */
export interface ReplayItem {
  task: Task;
  row: OutcomeRow;
}

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

export type WarmupFeedback = 'all' | 'chosen';

const tokens = (chars: number) => Math.ceil(chars / 4);

/**
 * Warm-up: learn from recorded outcomes, unscored. "all" feeds every model's
 * outcome (as eval results do); "chosen" feeds only the chosen model's, as live
 * traffic would.
 */
export async function warmUp(alloc: Allocator, items: readonly ReplayItem[], models: string[], host: ReplayHost, mode: WarmupFeedback): Promise<void> {
  const candidates = replayCandidates(models);
  for (const { task, row } of items) {
    if (mode === 'all') {
      models.forEach((m, i) => alloc.feedback?.({ pid: 0, task, model: m, ok: true, reward: row.correct[i], latency_ms: 0, cost_usd: row.cost[i], completion_tokens: tokens(row.answerChars[i]) }));
      continue;
    }
    const p = host.kernel.procs.alloc(task, 'route-eval');
    const a = await alloc.choose(task, candidates, { now: Date.now(), proc: p });
    const i = models.indexOf(a.model);
    alloc.feedback?.({ pid: p.pid, task, model: a.model, ok: true, reward: row.correct[i], latency_ms: 0, cost_usd: row.cost[i], completion_tokens: tokens(row.answerChars[i]) });
    host.kernel.procs.exit(p, 'ok');
  }
}

/**
 * Scored replay: for each prompt the allocator sees the task only (prompt and
 * profile; never eval_name or outcomes), chooses, and then gets the chosen
 * model's recorded correctness and cost as feedback.
 */
export async function scoreReplay(alloc: Allocator, items: readonly ReplayItem[], models: string[], host: ReplayHost, lambda: number): Promise<ReplayRun> {
  const candidates = replayCandidates(models);
  const choices: Record<string, number> = Object.fromEntries(models.map((m) => [m, 0]));
  const fam: Record<string, { n: number; q: number; c: number }> = {};
  const regret: ReplayRun['regret'] = [];
  const every = Math.max(1, Math.floor(items.length / 20));
  let q = 0;
  let c = 0;
  let cum = 0;
  for (let t = 0; t < items.length; t++) {
    const { task, row } = items[t];
    const p = host.kernel.procs.alloc(task, 'route-eval');
    const a = await alloc.choose(task, candidates, { now: Date.now(), proc: p });
    p.allocation = a;
    const i = models.indexOf(a.model);
    if (i < 0) throw new Error(`allocator ${alloc.name} chose "${a.model}", which is not a candidate`);
    alloc.feedback?.({ pid: p.pid, task, model: a.model, ok: true, reward: row.correct[i], latency_ms: 0, cost_usd: row.cost[i], completion_tokens: tokens(row.answerChars[i]) });
    host.kernel.procs.exit(p, 'ok');
    choices[a.model]++;
    q += row.correct[i];
    c += row.cost[i];
    const f = (fam[row.family] ??= { n: 0, q: 0, c: 0 });
    f.n++;
    f.q += row.correct[i];
    f.c += row.cost[i];
    let best = -Infinity;
    for (let j = 0; j < models.length; j++) best = Math.max(best, row.correct[j] - lambda * row.cost[j]);
    cum += best - (row.correct[i] - lambda * row.cost[i]);
    if ((t + 1) % every === 0 || t === items.length - 1) regret.push({ prompt: t + 1, regret: cum });
  }
  const n = Math.max(1, items.length);
  return {
    accuracy: q / n,
    cost_per_1k: (1000 * c) / n,
    prompts: items.length,
    choices,
    regret,
    by_family: Object.fromEntries(Object.entries(fam).map(([k, f]) => [k, { prompts: f.n, accuracy: f.q / f.n, cost_per_1k: (1000 * f.c) / f.n }])),
  };
}
