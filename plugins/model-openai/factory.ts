import { resolveRuntimeEndpoint, type EgressPolicy, type Logger, type ModelFactory } from '../../src/plugin-api/index.js';
import { OpenAIBackend } from './backend.js';
import type { OpenAIConnection, OpenAIOptions } from './connection.js';
import { modelInfo } from './model-options.js';

/**
 * Kind "openai" for model_register / model_update (plugins/model-core), provided
 * under modelFactoryToken('openai'). Fields the config leaves out (baseURL,
 * timeouts) come from this plugin's options; the key variable and a
 * client-given baseURL pass resolveRuntimeEndpoint (options.api_key_envs,
 * options.egress), and every connection to a client-given baseURL is held to
 * options.egress again (DNS rebinding). makeClient is passed in because
 * index.ts, which defines it, imports this module.
 */
export function openaiFactory(defaults: OpenAIOptions, makeClient: (o: OpenAIOptions, log: Logger, concurrency: number, env?: NodeJS.ProcessEnv, confine?: EgressPolicy) => OpenAIConnection): ModelFactory {
  return {
    kind: 'openai',
    async create(config, { log }) {
      const { config: c, base_url, api_key_env } = await resolveRuntimeEndpoint(config, 'openai', defaults, 'model-openai');
      const clientGiven = base_url !== defaults.base_url;
      const connection = makeClient({ ...defaults, base_url, api_key_env }, log, c.concurrency, process.env, clientGiven ? defaults.egress : undefined);
      return new OpenAIBackend(modelInfo(c, base_url), c.model ?? c.id, connection, defaults.health_timeout_ms);
    },
  };
}
