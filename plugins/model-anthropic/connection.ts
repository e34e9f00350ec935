import type Anthropic from '@anthropic-ai/sdk';
import { Agent, fetch as undiciFetch } from 'undici';
import { anthropicSdk } from './sdk.js';
import { egressLookup, LlmosError, RemoteModelOptions, RuntimeEndpointOptions, z, sdkLogger, type EgressPolicy, type Logger } from '../../src/plugin-api/index.js';

export const AnthropicOptions = z.object({
  base_url: z.string().url().default('https://api.anthropic.com').describe('Any Messages API endpoint, without /v1: Anthropic, or a local server that speaks it (llama.cpp\'s server).'),
  api_key_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).default('ANTHROPIC_API_KEY').describe('Name of the environment variable holding the API key (never the key itself).'),
  ...RuntimeEndpointOptions,
  models: z.array(RemoteModelOptions).default([]).describe('Models loaded at boot; `model` is the name the endpoint knows (e.g. "claude-sonnet-4-5"). More can be deployed at runtime with model_register kind "anthropic".'),
  headers: z.record(z.string(), z.string()).default({}).describe('Extra HTTP headers, e.g. an anthropic-beta flag.'),
  request_timeout_ms: z.number().int().positive().default(600_000).describe("The HTTP client's own limit; the kernel's per-call timeout normally ends a call first."),
  health_timeout_ms: z.number().int().positive().default(5_000),
  probe_on_start: z.boolean().default(true).describe('Probe the endpoint in start() and log a warning when it does not answer.'),
});
export type AnthropicOptions = z.output<typeof AnthropicOptions>;

const OFFICIAL = 'api.anthropic.com';

/** The API key from options.api_key_env ("" for none); a local endpoint without one gets a placeholder, Anthropic's own needs it. */
function apiKey(o: AnthropicOptions, env: NodeJS.ProcessEnv): string {
  const key = o.api_key_env ? env[o.api_key_env] : undefined;
  if (key) return key;
  if (new URL(o.base_url).hostname === OFFICIAL && !o.api_key_env)
    throw new LlmosError('LLMOS_EINVAL', `model-anthropic: ${OFFICIAL} needs an API key; give api_key_env naming the variable that holds it.`);
  if (new URL(o.base_url).hostname === OFFICIAL) throw new LlmosError('LLMOS_EPLUGIN', `model-anthropic: environment variable ${o.api_key_env} is not set; export your API key in it, or set options.api_key_env to the variable that holds it.`);
  return 'no-key';
}

/** A fetch whose every connection is held to the egress policy (egressLookup: no DNS rebinding after registration) and whose answers to `maxBytes`. */
function confinedFetch(policy: EgressPolicy, maxBytes: number): typeof fetch {
  const dispatcher = new Agent({ connect: { lookup: egressLookup(policy) }, maxResponseSize: maxBytes });
  return ((url: string | URL, init?: object) => undiciFetch(url, { ...init, dispatcher })) as unknown as typeof fetch;
}

/**
 * One client for an endpoint: maxRetries 0, because the kernel's executor
 * retries. `confine`, for an endpoint a client gave, holds its connections to
 * the egress policy and its answers to options.max_response_bytes (a
 * configured endpoint is trusted, and called with the SDK's own fetch).
 */
export const makeClient = (o: AnthropicOptions, log: Logger, env: NodeJS.ProcessEnv = process.env, confine?: EgressPolicy): Anthropic =>
  new (anthropicSdk().default)({ baseURL: o.base_url, apiKey: apiKey(o, env), maxRetries: 0, timeout: o.request_timeout_ms, defaultHeaders: o.headers, logger: sdkLogger(log), ...(confine && { fetch: confinedFetch(confine, o.max_response_bytes) }) });
