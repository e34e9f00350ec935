import type * as Sdk from '@anthropic-ai/sdk';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

let sdk: typeof Sdk | undefined;

/**
 * @anthropic-ai/sdk, loaded at its first use (the first client, or the first
 * error to map): the default config has no Anthropic model, and the SDK is
 * 6.7 MB of a server's resident memory. The same ES module instance that
 * `import` gives (require of its ESM entry), so instanceof holds across both.
 */
export function anthropicSdk(): typeof Sdk {
  return (sdk ??= createRequire(import.meta.url)(fileURLToPath(import.meta.resolve('@anthropic-ai/sdk'))) as typeof Sdk);
}
