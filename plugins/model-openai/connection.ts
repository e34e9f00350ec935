import OpenAI from 'openai';
import { LlmosError, renamedOptions, RuntimeEndpointOptions, z, sdkLogger, type Logger } from '../../src/plugin-api/index.js';
import { createHttpFetch } from './http-fetch.js';
import { createHttpPool, jsonPoster, type JsonPost } from './http-pool.js';
import { ConfiguredModelOptions } from './model-options.js';

/** The plugin's options; OpenAIOptions also accepts their older camelCase names (deprecated). */
const OpenAIOptionsObject = z.object({
  base_url: z.string().url().default('https://api.openai.com/v1').describe('Any OpenAI-compatible endpoint: vLLM, Ollama, llama.cpp server, LM Studio, OpenRouter.'),
  api_key_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).default('OPENAI_API_KEY').describe('Name of the environment variable holding the API key (never the key itself).'),
  ...RuntimeEndpointOptions,
  models: z.array(ConfiguredModelOptions).default([]).describe('Models loaded at boot; more can be deployed at runtime with model_register kind "openai".'),
  headers: z.record(z.string(), z.string()).default({}).describe('Extra HTTP headers, e.g. OpenRouter\'s HTTP-Referer.'),
  request_timeout_ms: z.number().int().positive().default(600_000).describe('The HTTP client\'s own limit; the kernel\'s per-call timeout normally ends a call first.'),
  health_timeout_ms: z.number().int().positive().default(5_000),
  probe_on_start: z.boolean().default(true).describe('Probe the endpoint in start() and log a warning when it does not answer.'),
  http_client: z.enum(['node-http', 'fetch']).default('node-http').describe('How the openai client talks HTTP: "node-http" (keep-alive node:http/https, ~0.4 ms CPU cheaper per call) or "fetch" (Node\'s built-in fetch).'),
});
export const OpenAIOptions = renamedOptions(OpenAIOptionsObject, {
  baseURL: 'base_url',
  apiKeyEnv: 'api_key_env',
  requestTimeoutMs: 'request_timeout_ms',
  healthTimeoutMs: 'health_timeout_ms',
  probeOnStart: 'probe_on_start',
  httpClient: 'http_client',
});
export type OpenAIOptions = z.output<typeof OpenAIOptionsObject>;

const OFFICIAL = 'api.openai.com';

/** The API key from options.api_key_env ("" for none); local endpoints without one get a placeholder. */
function apiKey(o: OpenAIOptions, env: NodeJS.ProcessEnv): string {
  const key = o.api_key_env ? env[o.api_key_env] : undefined;
  if (key) return key;
  if (new URL(o.base_url).hostname === OFFICIAL && !o.api_key_env)
    throw new LlmosError('LLMOS_EINVAL', `model-openai: ${OFFICIAL} needs an API key; give api_key_env naming the variable that holds it.`);
  if (new URL(o.base_url).hostname === OFFICIAL)
    throw new LlmosError('LLMOS_EPLUGIN', `model-openai: environment variable ${o.api_key_env} is not set; export your API key in it, or set options.api_key_env to the variable that holds it.`);
  return 'no-key';
}

/** An openai client and the way to free its sockets. */
export interface OpenAIConnection {
  client: OpenAI;
  /** The cheap non-streaming call on the node:http pool (http-pool.ts); unset with http_client "fetch". */
  post?: JsonPost;
  close(): void;
}

/** Sockets a model's pool opens at least, whatever its concurrency (health probes and token counts share it). */
const MIN_SOCKETS = 16;

/**
 * Builds one model's client: maxRetries is 0 because the kernel's executor
 * retries; HTTP goes through the keep-alive node:http adapter unless
 * options.http_client is "fetch". The pool opens as many sockets as the
 * model runs calls at once (`concurrency`): a smaller pool would queue
 * streams the kernel already admitted behind other streams' sockets.
 */
export function makeClient(o: OpenAIOptions, log: Logger, concurrency = 0, env: NodeJS.ProcessEnv = process.env): OpenAIConnection {
  const pool = o.http_client === 'node-http' ? createHttpPool({ maxSockets: Math.max(MIN_SOCKETS, concurrency + MIN_SOCKETS) }) : undefined;
  const http = pool && createHttpFetch({}, pool);
  const key = apiKey(o, env);
  const client = new OpenAI({
    baseURL: o.base_url,
    apiKey: key,
    maxRetries: 0,
    timeout: o.request_timeout_ms,
    defaultHeaders: o.headers,
    logger: sdkLogger(log),
    ...(http && { fetch: http.fetch }),
  });
  const post = pool && jsonPoster(pool, { baseURL: o.base_url, apiKey: key, headers: o.headers, timeoutMs: o.request_timeout_ms });
  return { client, ...(post && { post }), close: () => http?.close() };
}
