import type { Logger } from './log.js';
import type { ModelBackend } from './model.js';

/**
 * How model_register builds a backend at runtime. A backend plugin that can
 * deploy models on demand provides one factory per kind in register():
 *
 *   scope.provide(modelFactoryToken('openai'), { kind: 'openai', create: (cfg) => new OpenAIBackend(...) });
 *
 * model-core resolves the factory of the requested kind when model_register
 * or model_update runs, so neither plugin depends on the other.
 */
export { modelFactoryToken } from './tokens.js';

/** Config of one runtime-registered model: `kind` and `id` plus whatever the kind's factory reads. */
export interface ModelConfig {
  kind: string;
  id: string;
  [key: string]: unknown;
}

export interface ModelFactory {
  readonly kind: string;
  /**
   * Builds a backend from a config (validate it; throw LLMOS_EINVAL naming the
   * bad field). The backend's info.id must equal config.id, and info.version
   * must equal config.version when one is given. Must not call the model;
   * model-core probes health() itself before admission.
   */
  create(config: ModelConfig, ctx: { log: Logger }): ModelBackend | Promise<ModelBackend>;
}
