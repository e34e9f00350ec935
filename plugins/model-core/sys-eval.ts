import { defineSyscall, LlmosError, TASK_TYPES, z, type PerfTable } from '../../src/plugin-api/index.js';
import type { EvalLog } from './eval-log.js';
import type { EvalRunner } from './eval-runner.js';
import { checkItem, parseSuite, SCORERS } from './eval-suite.js';
import { PerfRowSchema } from './records.js';

/** Most items one model_eval call runs. */
export const MAX_EVAL_ITEMS = 5000;

const SummaryShape = {
  n: z.number().int(),
  passed: z.number().int(),
  errors: z.number().int().describe('Items whose process did not exit ok (counted as not passed).'),
  accuracy: z.number().describe('passed / n.'),
  latency_p50_ms: z.number(),
  latency_p95_ms: z.number(),
  tokens_per_s: z.number().describe('Completion tokens per second of model call time.'),
  cost_usd: z.number().describe('Total cost of the run, USD.'),
};

export const EvalReportSchema = z.object({
  run_id: z.string(),
  model: z.string(),
  version: z.string(),
  suite: z.string().nullable(),
  started: z.number(),
  finished: z.number(),
  ...SummaryShape,
  by_type: z.array(z.object({ task_type: z.string(), ...SummaryShape })),
  items: z.array(
    z.object({
      index: z.number().int(),
      id: z.string().nullable(),
      task_type: z.string(),
      pid: z.number().int().nullable(),
      pass: z.boolean(),
      exit: z.string().nullable(),
      latency_ms: z.number().nullable(),
      completion_tokens: z.number(),
      cost_usd: z.number(),
      answer: z.string().nullable(),
      detail: z.string().nullable(),
      error: z.object({ code: z.string(), message: z.string() }).nullable(),
    }),
  ),
});

/** Best model per task type: highest accuracy, then lowest p50 latency, then lowest cost. */
function best(rows: z.infer<typeof PerfRowSchema>[]) {
  const out = new Map<string, z.infer<typeof PerfRowSchema>>();
  for (const r of rows) {
    const b = out.get(r.task_type);
    const better = !b || (r.accuracy ?? -1) > (b.accuracy ?? -1) || ((r.accuracy ?? -1) === (b.accuracy ?? -1) && (r.latency_p50_ms < b.latency_p50_ms || (r.latency_p50_ms === b.latency_p50_ms && r.cost_usd < b.cost_usd)));
    if (better) out.set(r.task_type, r);
  }
  return [...out.values()].map((r) => ({ task_type: r.task_type, model: r.model, accuracy: r.accuracy }));
}

export function evalSyscalls(runner: EvalRunner, perf: PerfTable, log: EvalLog) {
  return [
    defineSyscall({
      name: 'model_eval',
      toolset: 'models',
      title: 'Evaluate a model',
      description: `Score one model on your examples: items {prompt|messages, expected, scorer, type?}, scorer one of ${SCORERS.join(', ')}. Reports accuracy, latency, tokens/s and cost; an admin's run also teaches the allocator. Items run as your processes (budgets apply).`,
      input: z.object({
        model: z.string().min(1).describe('A model id from model_list.'),
        suite: z.string().optional().describe('Items as JSONL; or give items.'),
        items: z.array(z.record(z.string(), z.unknown())).max(MAX_EVAL_ITEMS).optional(),
        name: z.string().max(200).optional().describe('Suite label.'),
        task_type: z.enum(TASK_TYPES).optional().describe('For items that set none.'),
        concurrency: z.number().int().min(1).max(64).default(4),
        max_tokens: z.number().int().min(1).max(100_000).default(128).describe('Per item, unless it sets one.'),
        seed: z.number().int().default(0),
        item_timeout_ms: z.number().int().min(1).max(3_600_000).default(120_000),
        include_items: z.boolean().default(true).describe('Return per-item results (always stored).'),
      }),
      output: EvalReportSchema,
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: true },
      async handler(a, ctx) {
        if ((a.suite === undefined) === (a.items === undefined)) throw new LlmosError('LLMOS_EINVAL', 'give exactly one of "suite" (JSONL text) or "items" (an array).');
        const items = a.suite !== undefined ? parseSuite(a.suite) : a.items!.map((it, i) => checkItem(it, `item ${i + 1}`));
        if (!items.length) throw new LlmosError('LLMOS_EINVAL', 'the eval suite has no items; give at least one {prompt, expected, scorer} line.');
        if (items.length > MAX_EVAL_ITEMS) throw new LlmosError('LLMOS_ETOOBIG', `the suite has ${items.length} items, over the limit of ${MAX_EVAL_ITEMS}; split it into several model_eval calls.`);
        const report = await runner.run({
          model: a.model,
          items,
          concurrency: a.concurrency,
          max_tokens: a.max_tokens,
          task_type: a.task_type,
          seed: a.seed,
          item_timeout_ms: a.item_timeout_ms,
          owner: ctx.owner,
          suite: a.name,
          signal: ctx.signal,
          progress: (done, total) => ctx.progress({ progress: done, total, message: `${done}/${total} items scored` }),
        });
        log.save(report);
        return a.include_items ? report : { ...report, items: [] };
      },
    }),
    defineSyscall({
      name: 'model_compare',
      toolset: 'models',
      title: 'Compare models',
      description: 'Compare measured models per task type (accuracy, latency, tokens/s, cost) and see the best for each.',
      input: z.object({
        models: z.array(z.string()).optional().describe('Only these models.'),
        task_types: z.array(z.string()).optional().describe('Only these task types.'),
      }),
      output: z.object({
        task_types: z.array(z.string()),
        models: z.array(z.string()),
        rows: z.array(PerfRowSchema),
        best: z.array(z.object({ task_type: z.string(), model: z.string(), accuracy: z.number().nullable() })),
      }),
      annotations: { readOnlyHint: true, idempotentHint: true },
      handler({ models, task_types }) {
        const rows = perf.rows({ models, task_types });
        return { task_types: [...new Set(rows.map((r) => r.task_type))], models: [...new Set(rows.map((r) => r.model))].sort(), rows, best: best(rows) };
      },
    }),
  ];
}
