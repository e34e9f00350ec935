import { checkEgress, isAllowedKeyEnv, KEY_ENV_PREFIX, LlmosError, z, type Logger, type ModelFactory } from '../../src/plugin-api/index.js';
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
type RuntimeConfig = z.output<typeof RuntimeConfig>;

/** No variable: the client sends no key (apiKey() gives local endpoints a placeholder). */
const NO_KEY_ENV = '';

/**
 * Which environment variable's value is sent to the endpoint. A config's own
 * api_key_env must be admitted (LLMOS_KEY_*, or listed in options.api_key_envs);
 * the plugin's default key goes only to the plugin's default endpoint, never
 * to a baseURL a client chose.
 */
function keyEnvFor(c: RuntimeConfig, defaults: OpenAIOptions): string {
  if (c.api_key_env !== undefined) {
    if (!isAllowedKeyEnv(c.api_key_env, defaults.api_key_envs))
      throw new LlmosError(
        'LLMOS_EPERM',
        `api_key_env "${c.api_key_env}" is not a variable model configs may read; name one starting ${KEY_ENV_PREFIX}, or ask the operator to list it in model-openai's options.api_key_envs (LLMOS_ variables are never admitted).`,
        { field: 'api_key_env' },
      );
    return c.api_key_env;
  }
  return c.baseURL === undefined || c.baseURL === defaults.base_url ? defaults.api_key_env : NO_KEY_ENV;
}

/**
 * Kind "openai" for model_register / model_update (plugins/model-core), provided
 * under modelFactoryToken('openai'). Fields the config leaves out (baseURL,
 * timeouts) come from this plugin's options. A baseURL from the config must
 * pass options.egress (after DNS resolution). makeClient is passed in because
 * index.ts, which defines it, imports this module.
 */
export function openaiFactory(defaults: OpenAIOptions, makeClient: (o: OpenAIOptions, log: Logger, concurrency: number) => OpenAIConnection): ModelFactory {
  return {
    kind: 'openai',
    async create(config, { log }) {
      const r = RuntimeConfig.safeParse(config);
      if (!r.success) {
        const i = r.error.issues[0];
        throw new LlmosError('LLMOS_EINVAL', `openai model config: ${i.path.join('.') || 'config'}: ${i.message}.`, { field: i.path.join('.') });
      }
      const c = r.data;
      const api_key_env = keyEnvFor(c, defaults);
      if (c.baseURL !== undefined && c.baseURL !== defaults.base_url) await checkEgress(c.baseURL, defaults.egress, c.id);
      const connection = makeClient({ ...defaults, base_url: c.baseURL ?? defaults.base_url, api_key_env }, log, c.concurrency);
      return new OpenAIBackend(modelInfo(c, c.baseURL ?? defaults.base_url), c.model ?? c.id, connection, defaults.health_timeout_ms);
    },
  };
}
