import { z } from 'zod';
import type { ProcView } from '../core/process.js';
import type { Task } from '../core/task.js';

/** The kernel's estimate: 4 characters a token (estimateTokens in the plugin API, inlined to take a length). */
const estimateTokens = (chars: number) => Math.ceil(chars / 4);

export const PredictorOptions = z.object({
  /** Weight of the newest finished process in the running averages. */
  alpha: z.number().gt(0).max(1).default(0.05),
  /** Finished processes a (model, type) pair needs before its own estimate is used. */
  min_samples: z.number().int().min(1).default(3),
  /** Decode speed assumed before anything finished. */
  default_tokens_per_s: z.number().positive().default(50),
  /** How many prompt tokens cost as much as one generated token (prefill is faster than decode). */
  prefill_speedup: z.number().positive().default(10),
});
export type PredictorOptions = z.output<typeof PredictorOptions>;

interface Estimate {
  /** Completion tokens as a fraction of max_tokens. */
  ratio: number;
  /** Work units (prompt/prefill_speedup + completion tokens) per second. */
  tokensPerS: number;
  n: number;
}

/**
 * Predicts how long a task will run, from its prompt tokens, max_tokens, and
 * per-model, per-task-type running averages of output length and decode speed
 * learned from finished processes. Lookup falls back from (model, type) to
 * (any model, type) to (any, any) until a key has min_samples.
 */
export class JobSizePredictor {
  /** model ("*" = any) → task type ("*" = any) → estimate. Nested maps: lookups allocate nothing. */
  private readonly table = new Map<string, Map<string, Estimate>>();

  private runMs = 0;
  private runs = 0;

  constructor(private readonly opts: PredictorOptions = PredictorOptions.parse({})) {}

  private get(model: string, type: string): Estimate | undefined {
    const e = this.table.get(model)?.get(type);
    return e && e.n >= this.opts.min_samples ? e : undefined;
  }

  private lookup(task: Task): Estimate | undefined {
    const t = task.type ?? '*';
    return this.get(task.model, t) ?? this.get('*', t) ?? this.get('*', '*');
  }

  /** Predicted run time in ms. Pure: no side effects, so it is safe to call at enqueue. */
  predictMs(task: Task): number {
    const e = this.lookup(task);
    const work = this.promptWork(task) + (e?.ratio ?? 1) * task.max_tokens;
    return (1000 * work) / (e?.tokensPerS ?? this.opts.default_tokens_per_s);
  }

  /** Mean run time (ms) of the finished processes learned from, undefined before the first. */
  meanRunMs(): number | undefined {
    return this.runs ? this.runMs : undefined;
  }

  /** Learns from a finished process that ran (has started, finished and usage). */
  learn(p: ProcView): void {
    if (p.exit !== 'ok' || p.started === undefined || p.finished === undefined) return;
    const secs = Math.max(1e-3, (p.finished - p.started) / 1000);
    const out = p.usage.completion_tokens;
    const ratio = Math.min(1, Math.max(0.01, out / Math.max(1, p.task.max_tokens)));
    const tps = (this.promptWork(p.task) + out) / secs;
    // A long-window mean: heavy-tailed run times would make a short one jumpy.
    this.runs++;
    this.runMs += (secs * 1000 - this.runMs) / Math.min(this.runs, 4096);
    const t = p.task.type ?? '*';
    const keys = new Set([`${p.task.model}\n${t}`, `*\n${t}`, '*\n*']);
    if (p.model) keys.add(`${p.model}\n${t}`);
    for (const k of keys) {
      const [model, type] = k.split('\n');
      let byType = this.table.get(model);
      if (!byType) this.table.set(model, (byType = new Map()));
      const e = byType.get(type);
      if (!e) byType.set(type, { ratio, tokensPerS: tps, n: 1 });
      else {
        // The first samples get a plain mean, later ones an exponential average.
        const a = Math.max(this.opts.alpha, 1 / (e.n + 1));
        e.ratio += a * (ratio - e.ratio);
        e.tokensPerS += a * (tps - e.tokensPerS);
        e.n++;
      }
    }
  }

  /** Prompt tokens (estimated as the kernel does: 4 characters a token) over the prefill speed-up. */
  private promptWork(task: Task): number {
    return estimateTokens(textLength(task)) / this.opts.prefill_speedup;
  }

  snapshot(): Record<string, { output_ratio: number; tokens_per_s: number; samples: number }> {
    const out: Record<string, { output_ratio: number; tokens_per_s: number; samples: number }> = {};
    for (const [model, byType] of this.table)
      for (const [type, e] of byType) out[`${model}|${type}`] = { output_ratio: +e.ratio.toFixed(4), tokens_per_s: +e.tokensPerS.toFixed(2), samples: e.n };
    return out;
  }
}

/** taskText(task).length without building the text (this runs on every enqueue). */
function textLength(task: Task): number {
  let n = task.system !== undefined ? task.system.length + 1 : 0;
  if (task.messages) for (const m of task.messages) n += m.content.length + 1;
  else n += (task.prompt ?? '').length + 1;
  return n - 1;
}
