import type { Task } from '../core/task.js';
import type { Allocator } from '../core/allocator.js';
import type { OutcomeRow } from './dataset.js';
import { replayCandidates, type ReplayHost } from './host.js';
import { ScoreTally, type ReplayRun } from './tally.js';

/** A prompt ready to replay: the task as the kernel would profile it, and its recorded outcomes. */
export interface ReplayItem {
  task: Task;
  row: OutcomeRow;
}

export type WarmupFeedback = 'all' | 'chosen';

const tokens = (chars: number) => Math.ceil(chars / 4);

/**
 * Warm-up: learn from recorded outcomes, unscored. The allocator chooses for
 * every prompt, as it would live (so budget pacing settles before scoring);
 * then "all" feeds back every model's outcome (as eval results do) and
 * "chosen" only the chosen model's, as live traffic would.
 */
export async function warmUp(alloc: Allocator, items: readonly ReplayItem[], models: string[], host: ReplayHost, mode: WarmupFeedback): Promise<void> {
  const candidates = replayCandidates(models);
  for (const { task, row } of items) {
    const p = host.kernel.procs.alloc(task, 'route-eval');
    const a = await alloc.choose(task, candidates, { now: Date.now(), proc: p });
    const fed = mode === 'all' ? [a.model, ...models.filter((m) => m !== a.model)] : [a.model]; // the chosen one's is the exit
    for (const m of fed) {
      const i = models.indexOf(m);
      alloc.feedback?.({ pid: p.pid, task, model: m, ok: true, reward: row.correct[i], latency_ms: 0, cost_usd: row.cost[i], completion_tokens: tokens(row.answerChars[i]) });
    }
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
  const tally = new ScoreTally(models, items.length, lambda);
  for (const { task, row } of items) {
    const p = host.kernel.procs.alloc(task, 'route-eval');
    const a = await alloc.choose(task, candidates, { now: Date.now(), proc: p });
    p.allocation = a;
    const i = models.indexOf(a.model);
    if (i < 0) throw new Error(`allocator ${alloc.name} chose "${a.model}", which is not a candidate`);
    alloc.feedback?.({ pid: p.pid, task, model: a.model, ok: true, reward: row.correct[i], latency_ms: 0, cost_usd: row.cost[i], completion_tokens: tokens(row.answerChars[i]) });
    host.kernel.procs.exit(p, 'ok');
    tally.chose(a.model);
    tally.add(row, row.correct[i], row.cost[i]);
  }
  return tally.result();
}
