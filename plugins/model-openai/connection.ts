import OpenAI from 'openai';
import { Readable } from 'node:stream';
import { Agent, type Dispatcher } from 'undici';
import { egressLookup, LlmosError, renamedOptions, RuntimeEndpointOptions, z, sdkLogger, type EgressPolicy, type Logger } from '../../src/plugin-api/index.js';
import { ConfiguredModelOptions } from './model-options.js';
import { webHeaders } from './web-headers.js';

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
  http_client: z
    .enum(['pool', 'fetch', 'node-http'])
    .default('pool')
    .describe('How the model talks HTTP: "pool" (its own keep-alive undici pool, sized to its concurrency; the unstreamed call skips the openai client\'s per-call work, ~0.4 ms CPU) or "fetch" (Node\'s built-in fetch, through the openai client). "node-http" is the old name of "pool".'),
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

/** Where the unstreamed call is posted directly, without the openai client (see backend.ts postJson). */
export interface DirectPost {
  /** The keep-alive pool the openai client uses too. */
  dispatcher: Dispatcher;
  /** base_url's scheme, host and port. */
  origin: string;
  /** base_url's path without a trailing slash ("/v1"). */
  basePath: string;
  /** Every call's headers: JSON, the key, then options.headers (lower-cased) over them. */
  headers: Record<string, string>;
  /** options.request_timeout_ms: the whole call, headers and body. */
  timeoutMs: number;
}

/** An openai client and the way to free its sockets. */
export interface OpenAIConnection {
  client: OpenAI;
  /** The cheap unstreamed call on the pool; unset with http_client "fetch". */
  direct?: DirectPost;
  close(): Promise<void>;
}

/** Sockets a model's pool opens at least, whatever its concurrency (health probes and token counts share it). */
const MIN_SOCKETS = 16;

/**
 * The openai client's fetch on the pool: undici's request API, answered as a
 * WHATWG Response. Half the CPU per call of undici's own fetch (its spec
 * machinery), which matters for streams, the other calls the client makes.
 * Failures are what the client expects of fetch: a rejection it wraps in
 * APIConnectionError, the abort reason, a body that errors mid-stream.
 * Bodies are the JSON strings the client sends for every call LLMOS makes;
 * redirects are not followed (an endpoint is where the config says).
 */
function pooledFetch(dispatcher: Dispatcher): typeof fetch {
  return (async (input: string | URL, init: RequestInit = {}) => {
    const url = new URL(String(input));
    const method = (init.method ?? 'GET') as Dispatcher.HttpMethod;
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((v, k) => (headers[k] = v));
    const res = await dispatcher.request({ origin: url.origin, path: url.pathname + url.search, method, headers, body: init.body as string | undefined, signal: init.signal ?? undefined });
    const empty = method === 'HEAD' || res.statusCode === 204 || res.statusCode === 304;
    if (empty) res.body.resume();
    return new Response(empty ? null : (Readable.toWeb(res.body) as ReadableStream), { status: res.statusCode, headers: webHeaders(res.headers) });
  }) as typeof fetch;
}

/** The headers of every direct call. */
function directHeaders(key: string, extra: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'application/json', authorization: `Bearer ${key}` };
  for (const [k, v] of Object.entries(extra)) headers[k.toLowerCase()] = v;
  return headers;
}

/**
 * Builds one model's client: maxRetries is 0 because the kernel's executor
 * retries. Unless options.http_client is "fetch", the client and the direct
 * unstreamed call share one keep-alive undici pool with a socket for every
 * call the model runs at once (`concurrency`): a smaller pool would queue
 * streams the kernel already admitted behind other streams' sockets.
 * `confine`, for an endpoint a client gave, holds every connection to the
 * egress policy (egressLookup): such a model always uses the pool. The pool
 * ends an answer longer than options.max_response_bytes (Node's fetch, with
 * http_client "fetch" for a configured endpoint, has no such bound).
 */
export function makeClient(o: OpenAIOptions, log: Logger, concurrency = 0, env: NodeJS.ProcessEnv = process.env, confine?: EgressPolicy): OpenAIConnection {
  const key = apiKey(o, env);
  const dispatcher = o.http_client === 'fetch' && !confine ? undefined : new Agent({ connections: concurrency + MIN_SOCKETS, maxResponseSize: o.max_response_bytes, ...(confine && { connect: { lookup: egressLookup(confine) } }) });
  const client = new OpenAI({
    baseURL: o.base_url,
    apiKey: key,
    maxRetries: 0,
    timeout: o.request_timeout_ms,
    defaultHeaders: o.headers,
    logger: sdkLogger(log),
    ...(dispatcher && { fetch: pooledFetch(dispatcher) }),
  });
  if (!dispatcher) return { client, close: async () => undefined };
  const base = new URL(o.base_url);
  const direct: DirectPost = { dispatcher, origin: base.origin, basePath: base.pathname.replace(/\/+$/, ''), headers: directHeaders(key, o.headers), timeoutMs: o.request_timeout_ms };
  return { client, direct, close: () => dispatcher.destroy() };
}
