import { LlmosError, TASK_TYPES, z, type Logger, type ModelBackend } from '../../src/plugin-api/index.js';
import { OpenAIBackend } from './backend.js';
import type { OpenAIConnection, OpenAIOptions } from './index.js';

/**
 * Kind "openai" for model_register / model_update (plugins/model-core):
 * model-core resolves this factory under Symbol.for('llmos.modelFactory.openai')
 * from the kernel container, so neither plugin imports the other.
 */
export const OPENAI_FACTORY_TOKEN = Symbol.for('llmos.modelFactory.openai');

/** The config model_register passes; field names follow model-core's syscall schema. */
const RuntimeConfig = z.looseObject({
  kind: z.literal('openai'),
  id: z.string().min(1),
  version: z.string().min(1).default('1'),
  baseURL: z.string().url().optional(),
  model: z.string().min(1).optional(),
  api_key_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional(),
  pricing: z.object({ input_per_1k: z.number().min(0), output_per_1k: z.number().min(0) }).default({ input_per_1k: 0, output_per_1k: 0 }),
  context_window: z.number().int().positive().default(8192),
  max_output_tokens: z.number().int().positive().default(2048),
  concurrency: z.number().int().min(1).default(4),
  limits: z.object({ rpm: z.number().int().positive().optional(), tpm: z.number().int().positive().optional() }).optional(),
  expected_tokens_per_s: z.number().positive().default(50),
  task_types: z.array(z.enum(TASK_TYPES)).optional(),
  languages: z.array(z.string()).optional(),
  domains: z.array(z.string()).optional(),
  tool_calling: z.boolean().default(false),
});

export interface ModelFactoryShape {
  readonly kind: string;
  create(config: { kind: string; id: string; [k: string]: unknown }, ctx: { log: Logger }): ModelBackend;
}

/**
 * Builds backends for runtime-registered endpoints. Fields the config leaves
 * out (baseURL, api_key_env, timeouts) come from this plugin's options.
 */
export function openaiFactory(defaults: OpenAIOptions, makeClient: (o: OpenAIOptions, log: Logger) => OpenAIConnection): ModelFactoryShape {
  return {
    kind: 'openai',
    create(config, { log }) {
      const r = RuntimeConfig.safeParse(config);
      if (!r.success) {
        const i = r.error.issues[0];
        throw new LlmosError('LLMOS_EINVAL', `openai model config: ${i.path.join('.') || 'config'}: ${i.message}.`, { field: i.path.join('.') });
      }
      const c = r.data;
      const connection = makeClient({ ...defaults, baseURL: c.baseURL ?? defaults.baseURL, apiKeyEnv: c.api_key_env ?? defaults.apiKeyEnv }, log);
      return new OpenAIBackend(
        {
          id: c.id,
          version: c.version,
          backend: 'model-openai',
          capabilities: {
            context_window: c.context_window,
            max_output_tokens: c.max_output_tokens,
            task_types: c.task_types,
            languages: c.languages,
            domains: c.domains,
            streaming: true,
            tool_calling: c.tool_calling,
          },
          pricing: c.pricing,
          expected_tokens_per_s: c.expected_tokens_per_s,
          concurrency: c.concurrency,
          limits: c.limits,
        },
        c.model ?? c.id,
        connection,
        defaults.healthTimeoutMs,
      );
    },
  };
}
