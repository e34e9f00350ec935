import { CLOUD_PROVIDERS, type CloudProvider } from './providers.js';
import { listLocalModels, ollamaOrigin } from './ollama.js';

/** What `llmos init` found: cloud providers whose key variable is set, and a local Ollama with its models. */
export interface Detected {
  cloud: CloudProvider[];
  ollama?: { origin: string; models: string[] };
  /** Where Ollama was looked for, and why it was not registered (absent, or no models pulled). */
  ollama_note?: string;
}

/**
 * Looks at the environment (only whether a key variable is set, never its
 * value) and asks the local Ollama, within probeTimeoutMs, which models it has.
 */
export async function detectProviders(env: NodeJS.ProcessEnv, probeTimeoutMs: number): Promise<Detected> {
  const cloud = CLOUD_PROVIDERS.filter((p) => (env[p.key_env] ?? '').trim() !== '');
  const origin = ollamaOrigin(env);
  const models = await listLocalModels(origin, probeTimeoutMs);
  if (!models) return { cloud, ollama_note: `no Ollama answered at ${origin} within ${probeTimeoutMs} ms` };
  if (models.length === 0) return { cloud, ollama_note: `Ollama at ${origin} has no models; pull one (ollama pull llama3.2) and run init again` };
  return { cloud, ollama: { origin, models } };
}
