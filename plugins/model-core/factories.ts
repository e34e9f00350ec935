import { LlmosError, modelFactoryToken, type ModelFactory } from '../../src/plugin-api/index.js';

/** Looks up the factory of a kind through the kernel container. */
export function findFactory(resolve: (token: symbol) => unknown, has: (token: symbol) => boolean, kind: string): ModelFactory {
  const token = modelFactoryToken(kind);
  if (!has(token))
    throw new LlmosError(
      'LLMOS_EINVAL',
      `no loaded plugin deploys models of kind "${kind}"; use kind "openai" (plugin model-openai) for any OpenAI-compatible endpoint, or enable the plugin that provides kind "${kind}".`,
      { kind },
    );
  return resolve(token) as ModelFactory;
}
