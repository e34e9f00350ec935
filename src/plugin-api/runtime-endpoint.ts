import { z } from 'zod';
import { LlmosError } from '../core/errors.js';
import { checkEgress, EgressPolicy } from './egress.js';
import { isAllowedKeyEnv, KEY_ENV_PREFIX } from './key-env.js';
import { RemoteModelOptions } from './remote-model.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The default bound on one answer's body: some 3× the SSE of a 128k-token stream (~150 bytes a token). */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/**
 * Options of a remote backend plugin (model-openai, model-anthropic) that
 * govern model_register configs: which key variables a config may name,
 * where a client-given baseURL may point, and how much one answer from an
 * endpoint may hold. Spread into the plugin's options object.
 */
export const RuntimeEndpointOptions = {
  max_response_bytes: z
    .number()
    .int()
    .min(1024)
    .default(DEFAULT_MAX_RESPONSE_BYTES)
    .describe('The most one answer\'s body may hold, a stream counted whole; past it the call fails with LLMOS_EUPSTREAM (not retried) and the connection is closed. Bounds what an endpoint a client registered can make the server hold.'),
  api_key_envs: z
    .array(z.string().regex(ENV_NAME))
    .default([])
    .describe(`Environment variables a model_register config may name as api_key_env, besides ${KEY_ENV_PREFIX}*; other LLMOS_ variables are never admitted.`),
  egress: EgressPolicy.default({ allow: [], deny: [] }),
};

/** The plugin options resolveRuntimeEndpoint reads. */
export interface EndpointDefaults {
  base_url: string;
  api_key_env: string;
  api_key_envs: readonly string[];
  egress: EgressPolicy;
}

/** A model_register config of `kind`: a model's options plus where its endpoint is (field names follow model-core's syscall schema). */
export const remoteRuntimeConfig = <K extends string>(kind: K) =>
  z.looseObject({
    ...RemoteModelOptions.shape,
    kind: z.literal(kind),
    baseURL: z.string().url().optional(),
    api_key_env: z.string().regex(ENV_NAME).optional(),
  });
export type RemoteRuntimeConfig = z.output<ReturnType<typeof remoteRuntimeConfig>>;

/** No variable: the client sends no key (local endpoints get a placeholder). */
const NO_KEY_ENV = '';

/**
 * Which environment variable's value is sent to the endpoint. A config's own
 * api_key_env must be admitted (LLMOS_KEY_*, or listed in options.api_key_envs);
 * the plugin's default key goes only to the plugin's default endpoint, never
 * to a baseURL a client chose.
 */
function keyEnvFor(c: RemoteRuntimeConfig, defaults: EndpointDefaults, plugin: string): string {
  if (c.api_key_env !== undefined) {
    if (!isAllowedKeyEnv(c.api_key_env, defaults.api_key_envs))
      throw new LlmosError(
        'LLMOS_EPERM',
        `api_key_env "${c.api_key_env}" is not a variable model configs may read; name one starting ${KEY_ENV_PREFIX}, or ask the operator to list it in ${plugin}'s options.api_key_envs (LLMOS_ variables are never admitted).`,
        { field: 'api_key_env' },
      );
    return c.api_key_env;
  }
  return c.baseURL === undefined || c.baseURL === defaults.base_url ? defaults.api_key_env : NO_KEY_ENV;
}

/**
 * Validates a model_register config of `kind` for plugin `plugin` and
 * decides its endpoint: LLMOS_EINVAL naming the bad field; LLMOS_EPERM for a
 * key variable the operator did not admit or a baseURL options.egress
 * refuses (checked after DNS resolution); LLMOS_EUNAVAILABLE for a host that
 * does not resolve. The plugin's own base_url needs no egress check.
 */
export async function resolveRuntimeEndpoint<K extends string>(
  config: unknown,
  kind: K,
  defaults: EndpointDefaults,
  plugin: string,
): Promise<{ config: RemoteRuntimeConfig; base_url: string; api_key_env: string }> {
  const r = remoteRuntimeConfig(kind).safeParse(config);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new LlmosError('LLMOS_EINVAL', `${kind} model config: ${i.path.join('.') || 'config'}: ${i.message}.`, { field: i.path.join('.') });
  }
  const c = r.data;
  const api_key_env = keyEnvFor(c, defaults, plugin);
  if (c.baseURL !== undefined && c.baseURL !== defaults.base_url) await checkEgress(c.baseURL, defaults.egress, c.id, undefined, plugin);
  return { config: c, base_url: c.baseURL ?? defaults.base_url, api_key_env };
}
