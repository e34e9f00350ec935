import { z, type KernelApi, type PerfRow, type PerfTable } from '../../src/plugin-api/index.js';
import type { ModelManager } from './manager.js';

export const PerfRowSchema = z.object({
  model: z.string(),
  task_type: z.string(),
  version: z.string(),
  n: z.number().int().describe('Samples aggregated.'),
  accuracy: z.number().nullable().describe('Mean quality in [0, 1]; null when never scored.'),
  n_accuracy: z.number().int(),
  latency_ms: z.number().describe('Mean call latency.'),
  latency_p50_ms: z.number(),
  latency_p95_ms: z.number(),
  n_latency: z.number().int(),
  tokens_per_s: z.number(),
  cost_usd: z.number().describe('Mean cost of one call, USD.'),
  n_cost: z.number().int(),
  updated: z.number(),
});

export const HealthSchema = z.object({ ok: z.boolean(), detail: z.string().nullable(), latency_ms: z.number().nullable(), at: z.number().nullable() });

/** What model_list, model_register/update and llmos://models/{id} return for one model. */
export const ModelRecordSchema = z.object({
  id: z.string(),
  version: z.string(),
  backend: z.string().describe('The plugin whose code serves the model.'),
  kind: z.string().nullable().describe('Kind given to model_register; null for models a plugin loaded from its options.'),
  status: z.enum(['ready', 'cooldown', 'draining']),
  health: HealthSchema.nullable().describe('Last probe; null before the first model_health.'),
  load: z.object({
    inflight: z.number().int().describe('Processes allocated to or running on the model.'),
    slots_in_use: z.number().int(),
    slots: z.number().int(),
    retiring_versions: z.array(z.object({ version: z.string(), inflight: z.number().int() })).describe('Older versions still finishing calls after model_update.'),
  }),
  cooldown_until: z.number().nullable(),
  capabilities: z.object({
    context_window: z.number().int(),
    max_output_tokens: z.number().int(),
    task_types: z.array(z.string()),
    languages: z.array(z.string()),
    domains: z.array(z.string()),
    streaming: z.boolean(),
    tool_calling: z.boolean(),
  }),
  pricing: z.object({ input_per_1k: z.number(), output_per_1k: z.number() }),
  expected_tokens_per_s: z.number(),
  limits: z.object({ rpm: z.number().nullable(), tpm: z.number().nullable() }),
  performance: z.array(PerfRowSchema),
});
export type ModelRecord = z.infer<typeof ModelRecordSchema>;

export function modelRecord(k: KernelApi, mgr: ModelManager, perf: PerfTable, id: string): ModelRecord {
  const e = k.mustModel(id);
  const i = e.info;
  const h = e.lastHealth;
  return {
    id,
    version: i.version,
    backend: i.backend,
    kind: mgr.config(id)?.kind ?? null,
    status: e.status,
    health: h ? { ok: h.ok, detail: h.detail ?? null, latency_ms: h.latency_ms ?? null, at: h.at } : null,
    load: {
      inflight: mgr.inflight(id),
      slots_in_use: e.slotsInUse,
      slots: i.concurrency,
      retiring_versions: e.retiring.map((r) => ({ ...r })),
    },
    cooldown_until: e.cooldownUntil || null,
    capabilities: {
      context_window: i.capabilities.context_window,
      max_output_tokens: i.capabilities.max_output_tokens,
      task_types: i.capabilities.task_types ?? [],
      languages: i.capabilities.languages ?? [],
      domains: i.capabilities.domains ?? [],
      streaming: i.capabilities.streaming,
      tool_calling: i.capabilities.tool_calling,
    },
    pricing: { ...i.pricing },
    expected_tokens_per_s: i.expected_tokens_per_s,
    limits: { rpm: i.limits?.rpm ?? null, tpm: i.limits?.tpm ?? null },
    performance: perf.rows({ models: [id] }) satisfies PerfRow[],
  };
}
