import { defineSyscall, LlmosError, z, type KernelApi, type ModelConfig, type PerfTable } from '../../src/plugin-api/index.js';
import type { ModelManager } from './manager.js';
import { ModelRecordSchema, modelRecord } from './records.js';

const ModelId = z.string().min(1).max(200).describe('A model id from model_list.');

/** Config fields common to every kind; a kind's factory may read more (they are passed through). */
const configFields = {
  version: z.string().min(1).max(100).optional().describe('Version label; model_update with a new one swaps versions without dropping calls.'),
  baseURL: z.string().url().optional().describe('openai: the endpoint, e.g. http://127.0.0.1:8080/v1.'),
  model: z.string().min(1).optional().describe('openai: the upstream model name.'),
  api_key_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional().describe('Name of the environment variable holding the API key (never the key itself).'),
  pricing: z.object({ input_per_1k: z.number().min(0), output_per_1k: z.number().min(0) }).optional().describe('USD per 1,000 tokens.'),
  context_window: z.number().int().positive().optional(),
  max_output_tokens: z.number().int().positive().optional(),
  concurrency: z.number().int().min(1).max(1024).optional().describe('Calls that may run at once.'),
  limits: z.object({ rpm: z.number().int().positive().optional(), tpm: z.number().int().positive().optional() }).optional().describe('Requests and tokens per minute.'),
  expected_tokens_per_s: z.number().positive().optional(),
  task_types: z.array(z.string()).optional(),
  languages: z.array(z.string()).optional(),
  domains: z.array(z.string()).optional(),
};

const SECRET = /^(api_?key|apikey|key|secret|token|password|authorization)$/i;
/** Configs are stored on disk and shown in model_list, so secrets must come from the environment. */
function refuseSecrets(cfg: Record<string, unknown>): void {
  const bad = Object.keys(cfg).filter((k) => SECRET.test(k));
  if (bad.length)
    throw new LlmosError('LLMOS_EINVAL', `model config must not carry secrets (${bad.join(', ')}); put the key in an environment variable of the server and pass its name as api_key_env.`);
}

export function modelSyscalls(k: KernelApi, mgr: ModelManager, perf: PerfTable) {
  const record = (id: string) => modelRecord(k, mgr, perf, id);
  return [
    defineSyscall({
      name: 'model_list',
      toolset: 'models',
      title: 'List models',
      description: 'List models to pick one by id: status, health, load, capabilities, pricing, limits and measured performance.',
      input: z.object({ probe: z.boolean().default(false).describe('Probe health of every model first.') }),
      output: z.object({ models: z.array(ModelRecordSchema) }),
      annotations: { readOnlyHint: true, idempotentHint: true },
      async handler({ probe }) {
        const ids = k.models().map((e) => e.info.id);
        if (probe) await Promise.all(ids.map((id) => k.probeModel(id)));
        return { models: ids.filter((id) => k.model(id)).map(record) };
      },
    }),
    defineSyscall({
      name: 'model_register',
      toolset: 'admin',
      title: 'Register a model',
      description:
        'Add a model at runtime. kind "openai": any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, llama.cpp, LM Studio, OpenRouter) with id, baseURL, model, api_key_env, pricing, context_window. Admitted once its health probe passes; kept across restarts.',
      input: z.looseObject({
        kind: z.string().min(1).max(64).describe('Backend kind: "openai", or one a loaded plugin provides.'),
        id: z.string().min(1).max(200).regex(/^[A-Za-z0-9._:@/-]+$/, 'letters, digits and . _ : @ / - only').describe('Unique model id, e.g. "vllm/qwen2.5-7b".'),
        ...configFields,
      }),
      output: ModelRecordSchema,
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: true },
      admin: true,
      async handler(cfg) {
        refuseSecrets(cfg);
        await mgr.register(cfg as ModelConfig);
        return record(cfg.id);
      },
    }),
    defineSyscall({
      name: 'model_update',
      toolset: 'admin',
      title: 'Update a model',
      description:
        'Change a model\'s config or version: fields merge over its config, and it is swapped in once healthy. Running processes finish on the old version.',
      input: z.looseObject({ id: ModelId, kind: z.string().min(1).max(64).optional().describe('Only needed for models a plugin loaded from its options.'), ...configFields }),
      output: ModelRecordSchema.extend({ previous_version: z.string() }),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
      admin: true,
      async handler({ id, ...patch }) {
        refuseSecrets(patch);
        const { previous } = await mgr.update(id, patch as Partial<ModelConfig>);
        return { ...record(id), previous_version: previous };
      },
    }),
    defineSyscall({
      name: 'model_remove',
      toolset: 'admin',
      title: 'Remove a model',
      description:
        'Remove a model once its processes finish (force:true kills them). Past timeout_ms it answers "draining" and removes it when idle.',
      input: z.object({
        id: ModelId,
        force: z.boolean().default(false).describe('Kill processes on the model instead of waiting for them.'),
        timeout_ms: z.number().int().min(0).max(3_600_000).default(60_000).describe('How long to wait for the drain.'),
      }),
      output: z.object({
        id: z.string(),
        removed: z.boolean(),
        status: z.enum(['removed', 'draining']),
        inflight: z.number().int(),
        killed: z.array(z.number().int()).describe('Pids killed by force.'),
      }),
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
      admin: true,
      async handler({ id, force, timeout_ms }) {
        return { id, ...(await mgr.remove(id, force, timeout_ms)) };
      },
    }),
    defineSyscall({
      name: 'model_health',
      toolset: 'models',
      title: 'Probe model health',
      description: 'Check now whether one model (or every one) answers.',
      input: z.object({ id: ModelId.optional().describe('Omit to probe every model.') }),
      output: z.object({
        models: z.array(z.object({ id: z.string(), status: z.enum(['ready', 'cooldown', 'draining']), ok: z.boolean(), detail: z.string().nullable(), latency_ms: z.number().nullable() })),
      }),
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
      async handler({ id }) {
        const ids = id ? [k.mustModel(id).info.id] : k.models().map((e) => e.info.id);
        const models = await Promise.all(
          ids.map(async (m) => {
            const h = await k.probeModel(m);
            const e = k.model(m);
            return { id: m, status: e?.status ?? ('draining' as const), ok: h.ok, detail: h.detail ?? null, latency_ms: e?.lastHealth?.latency_ms ?? null };
          }),
        );
        return { models };
      },
    }),
  ];
}
