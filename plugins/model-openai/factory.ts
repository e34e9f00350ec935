import { LlmosError, z, type Logger, type ModelFactory } from '../../src/plugin-api/index.js';
import { OpenAIBackend } from './backend.js';
import type { OpenAIConnection, OpenAIOptions } from './connection.js';
import { modelInfo, OpenAIModelOptions } from './model-options.js';

/** The config model_register passes: a model's options plus where its endpoint is; field names follow model-core's syscall schema. */
const RuntimeConfig = z.looseObject({
  ...OpenAIModelOptions.shape,
  kind: z.literal('openai'),
  baseURL: z.string().url().optional(),
  api_key_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional(),
});

/**
 * Kind "openai" for model_register / model_update (plugins/model-core), provided
 * under modelFactoryToken('openai'). Fields the config leaves out (baseURL,
 * api_key_env, timeouts) come from this plugin's options. makeClient is passed
 * in because index.ts, which defines it, imports this module.
 */
export function openaiFactory(defaults: OpenAIOptions, makeClient: (o: OpenAIOptions, log: Logger) => OpenAIConnection): ModelFactory {
  return {
    kind: 'openai',
    create(config, { log }) {
      const r = RuntimeConfig.safeParse(config);
      if (!r.success) {
        const i = r.error.issues[0];
        throw new LlmosError('LLMOS_EINVAL', `openai model config: ${i.path.join('.') || 'config'}: ${i.message}.`, { field: i.path.join('.') });
      }
      const c = r.data;
      const connection = makeClient({ ...defaults, base_url: c.baseURL ?? defaults.base_url, api_key_env: c.api_key_env ?? defaults.api_key_env }, log);
      return new OpenAIBackend(modelInfo(c), c.model ?? c.id, connection, defaults.health_timeout_ms);
    },
  };
}
