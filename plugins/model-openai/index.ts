import { definePlugin, modelFactoryToken } from '../../src/plugin-api/index.js';
import { OpenAIBackend } from './backend.js';
import { openaiFactory } from './factory.js';
import { makeClient, OpenAIOptions } from './connection.js';
import { endpointOf, modelInfo } from './model-options.js';

/**
 * Any OpenAI-compatible endpoint: one model-table entry per configured
 * model, each with its own client and socket pool (freed by the backend's
 * close()), plus kind "openai" for model_register.
 */
export default definePlugin({
  name: 'model-openai',
  version: '1.0.0',
  apiVersion: '^1.2.0',
  description: 'Models behind the OpenAI API or any OpenAI-compatible endpoint, through the openai package.',
  provides: ['model'],
  options: OpenAIOptions,
  register(scope, o) {
    scope.provide(modelFactoryToken('openai'), openaiFactory(o, makeClient));
    for (const m of o.models) {
      const at = { ...o, ...endpointOf(m, o) };
      scope.model(new OpenAIBackend(modelInfo(m, at.base_url), m.model ?? m.id, makeClient(at, scope.log, m.concurrency), o.health_timeout_ms));
    }
    const probe = async () => {
      for (const m of o.models) {
        const h = await scope.kernel.probeModel(m.id);
        if (!h.ok) scope.log.warn({ model: m.id, base_url: endpointOf(m, o).base_url, detail: h.detail }, 'endpoint does not answer; calls will fail until it does');
      }
    };
    return { start: o.probe_on_start ? probe : undefined };
  },
});
