import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { packageRoot } from '../../loader/resolve.js';
import type { Detected } from './detect.js';
import { initModel, type InitModel } from './providers.js';

type Entry = { name: string; module: string; enabled?: boolean; options?: Record<string, unknown> };
type ConfigFile = { $schema?: string; scheduler?: string; allocator?: string; plugins: Entry[]; [k: string]: unknown };

/** The embedded defaults: the package's own llmos.plugins.json. */
const defaults = (): ConfigFile => JSON.parse(readFileSync(join(packageRoot, 'llmos.plugins.json'), 'utf8')) as ConfigFile;

/**
 * A path of the package as the config in `dir` names it (the loader resolves
 * paths against the config's folder): relative inside the package, absolute
 * from anywhere else.
 */
function fromDir(dir: string, packagePath: string): string {
  const abs = join(packageRoot, packagePath);
  const rel = relative(dir, abs);
  return isAbsolute(rel) || rel.startsWith('..') ? abs : `./${rel}`;
}

/** Drops unset fields, so the file shows only what was decided. */
const compact = (m: InitModel): Record<string, unknown> => Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined));

/** model-openai's models: OpenAI at the plugin's endpoint, OpenRouter and Ollama each at their own. */
function openaiModels(d: Detected): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const p of d.cloud.filter((c) => c.name !== 'anthropic')) {
    const own = p.name === 'openai' ? {} : { base_url: p.base_url, api_key_env: p.key_env };
    for (const m of p.models) out.push({ ...compact(initModel(p.name, m, p.name)), ...own });
  }
  if (d.ollama) for (const m of d.ollama.models) out.push({ ...compact(initModel('ollama', m, 'ollama')), base_url: `${d.ollama.origin}/v1` });
  return out;
}

/**
 * The config `llmos init` writes to folder `dir`: the embedded defaults (same
 * plugins, scheduler and allocator, named explicitly) with model-openai and
 * model-anthropic given the detected providers' models. Keys are named by
 * their variable only; prices come from the price table at boot.
 */
export function buildInitConfig(d: Detected, dir: string): ConfigFile {
  const base = defaults();
  const anthropic = d.cloud.find((c) => c.name === 'anthropic');
  const openai = d.cloud.find((c) => c.name === 'openai');
  const options: Record<string, Record<string, unknown>> = {
    'model-openai': { base_url: 'https://api.openai.com/v1', api_key_env: openai?.key_env ?? 'OPENAI_API_KEY', models: openaiModels(d) },
    ...(anthropic && { 'model-anthropic': { base_url: anthropic.base_url, api_key_env: anthropic.key_env, models: anthropic.models.map((m) => compact(initModel('anthropic', m, 'anthropic'))) } }),
  };
  const plugins = base.plugins.map((p) => ({
    ...p,
    module: p.module.startsWith('.') ? fromDir(dir, p.module) : p.module,
    ...(options[p.name] && { options: { ...p.options, ...options[p.name] } }),
  }));
  return {
    ...(base.$schema && { $schema: fromDir(dir, base.$schema) }),
    scheduler: base.scheduler ?? 'fcfs',
    allocator: base.allocator ?? 'bandit',
    plugins,
  };
}
