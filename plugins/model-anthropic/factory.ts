import { remoteModelInfo, resolveRuntimeEndpoint, type EgressPolicy, type Logger, type ModelFactory } from '../../src/plugin-api/index.js';
import type Anthropic from '@anthropic-ai/sdk';
import { AnthropicBackend } from './backend.js';
import type { AnthropicOptions } from './connection.js';

/**
 * Kind "anthropic" for model_register / model_update (plugins/model-core),
 * provided under modelFactoryToken('anthropic'): a Messages API endpoint
 * deployed at runtime, with the same checks as kind "openai" (the key
 * variable against options.api_key_envs, a client-given baseURL against
 * options.egress, at registration and at every connection). Fields the
 * config leaves out come from this plugin's options.
 */
export function anthropicFactory(defaults: AnthropicOptions, makeClient: (o: AnthropicOptions, log: Logger, confine?: EgressPolicy) => Anthropic): ModelFactory {
  return {
    kind: 'anthropic',
    async create(config, { log }) {
      const { config: c, base_url, api_key_env } = await resolveRuntimeEndpoint(config, 'anthropic', defaults, 'model-anthropic');
      const client = makeClient({ ...defaults, base_url, api_key_env }, log, base_url !== defaults.base_url ? defaults.egress : undefined);
      return new AnthropicBackend(remoteModelInfo({ ...c, logprobs: false, embeddings: false }, 'model-anthropic'), c.model ?? c.id, client, defaults.health_timeout_ms);
    },
  };
}
