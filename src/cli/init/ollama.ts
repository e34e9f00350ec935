import { LlmosError } from '../../core/errors.js';

/** Ollama's own default when OLLAMA_HOST is unset. */
export const OLLAMA_DEFAULT = 'http://127.0.0.1:11434';
const OLLAMA_PORT = '11434';

/** Bytes of a model listing read at most; a bigger answer is not a local model server's. */
const MAX_LISTING_BYTES = 1 << 20;
/** Local models registered at most. */
export const MAX_LOCAL_MODELS = 16;

/**
 * The origin Ollama listens on, read as Ollama's client reads OLLAMA_HOST:
 * "host", "host:port" or a URL; no scheme means http and port 11434; the
 * listen-everywhere address 0.0.0.0 is reached on loopback.
 */
export function ollamaOrigin(env: NodeJS.ProcessEnv): string {
  const raw = env.OLLAMA_HOST?.trim();
  if (!raw) return OLLAMA_DEFAULT;
  const schemed = /^[a-z]+:\/\//i.test(raw);
  let url: URL;
  try {
    url = new URL(schemed ? raw : `http://${raw}`);
  } catch {
    throw new LlmosError('LLMOS_EINVAL', `OLLAMA_HOST "${raw}" is neither host[:port] nor a URL; set it as Ollama does (e.g. 127.0.0.1:11434) or unset it.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new LlmosError('LLMOS_EINVAL', `OLLAMA_HOST "${raw}" is not http(s); give host[:port] or an http:// URL.`);
  if (!schemed && !url.port) url.port = OLLAMA_PORT;
  if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
  return url.origin;
}

/** GET url as JSON within the deadline; undefined when it does not answer, is not 2xx, or is too big or not JSON. */
async function getJson(url: string, signal: AbortSignal): Promise<unknown> {
  try {
    const res = await fetch(url, { signal, redirect: 'error' });
    if (!res.ok || !res.body) return undefined;
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > MAX_LISTING_BYTES) return undefined;
      chunks.push(chunk);
    }
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

const names = (list: unknown, field: 'name' | 'id'): string[] | undefined =>
  Array.isArray(list)
    ? list
        .map((m) => (m && typeof m === 'object' ? (m as Record<string, unknown>)[field] : undefined))
        .filter((n): n is string => typeof n === 'string' && n.length > 0 && n.length <= 200)
        .slice(0, MAX_LOCAL_MODELS)
    : undefined;

/**
 * The models a local server at `origin` serves: Ollama's /api/tags, else the
 * OpenAI-compatible /v1/models (Ollama answers both; llama.cpp's server, vLLM
 * and LM Studio the second). Undefined when nothing answers within timeoutMs.
 */
export async function listLocalModels(origin: string, timeoutMs: number): Promise<string[] | undefined> {
  const signal = AbortSignal.timeout(timeoutMs);
  const tags = await getJson(`${origin}/api/tags`, signal);
  const fromTags = names((tags as { models?: unknown } | undefined)?.models, 'name');
  if (fromTags) return fromTags;
  const listed = await getJson(`${origin}/v1/models`, signal);
  return names((listed as { data?: unknown } | undefined)?.data, 'id');
}
