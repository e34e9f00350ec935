import { definePlugin, modelFactoryToken, remoteModelInfo } from '../../src/plugin-api/index.js';
import { AnthropicBackend } from './backend.js';
import { AnthropicOptions, makeClient } from './connection.js';
import { anthropicFactory } from './factory.js';

export { AnthropicBackend } from './backend.js';

/**
 * Models behind any Messages API endpoint (Anthropic's, or a local server
 * that speaks it), called natively with the official SDK: one model-table
 * entry per configured model. Usage (cache reads and writes counted as
 * prompt tokens), cost from pricing, and retryable errors for the kernel's
 * retries, fallback and cooldown, as for model-openai.
 */
export default definePlugin({
  name: 'model-anthropic',
  version: '1.0.0',
  apiVersion: '^1.2.0',
  description: "Models behind Anthropic's Messages API or any endpoint that speaks it, through @anthropic-ai/sdk.",
  provides: ['model'],
  options: AnthropicOptions,
  register(scope, o) {
    scope.provide(modelFactoryToken('anthropic'), anthropicFactory(o, (c, log, confine) => makeClient(c, log, process.env, confine)));
    const client = o.models.length ? makeClient(o, scope.log) : undefined;
    for (const m of o.models) scope.model(new AnthropicBackend(remoteModelInfo({ ...m, logprobs: false, embeddings: false }, 'model-anthropic', o.base_url), m.model ?? m.id, client!, o.health_timeout_ms));
    const probe = async () => {
      for (const m of o.models) {
        const h = await scope.kernel.probeModel(m.id);
        if (!h.ok) scope.log.warn({ model: m.id, base_url: o.base_url, detail: h.detail }, 'endpoint does not answer; calls will fail until it does');
      }
    };
    return { start: o.probe_on_start ? probe : undefined };
  },
});
