import type { ModelPreferences } from '@modelcontextprotocol/sdk/types.js';
import { definePlugin, renamedOptions, z, type ClientSession, type KernelApi, type Logger, type ModelInfo } from '../../src/plugin-api/index.js';
import { clientCanSample, clientCanSampleTools, SamplingBackend, type SamplingPeer } from './backend.js';

export { SamplingBackend, clientCanSample, clientCanSampleTools, type SamplingPeer } from './backend.js';

/** The plugin's options; SamplingOptions also accepts their older camelCase names (deprecated). model_preferences is MCP's ModelPreferences object, so its fields keep the protocol's names. */
const SamplingOptionsObject = z.object({
  id_prefix: z.string().min(1).default('client/').describe('A session\'s model id is id_prefix + session id.'),
  context_window: z.number().int().positive().default(128_000).describe('Assumed; the protocol does not say.'),
  max_output_tokens: z.number().int().positive().default(4096),
  expected_tokens_per_s: z.number().positive().default(30),
  concurrency: z.number().int().min(1).default(2),
  timeout_ms: z.number().int().positive().default(600_000),
  model_preferences: z
    .object({
      hints: z.array(z.object({ name: z.string().optional() })).optional(),
      costPriority: z.number().min(0).max(1).optional(),
      speedPriority: z.number().min(0).max(1).optional(),
      intelligencePriority: z.number().min(0).max(1).optional(),
    })
    .optional()
    .describe('Default MCP ModelPreferences; a task\'s metadata.model_preferences overrides fields.'),
});
export const SamplingOptions = renamedOptions(SamplingOptionsObject, {
  idPrefix: 'id_prefix',
  contextWindow: 'context_window',
  maxOutputTokens: 'max_output_tokens',
  expectedTokensPerS: 'expected_tokens_per_s',
  timeoutMs: 'timeout_ms',
  modelPreferences: 'model_preferences',
});
export type SamplingOptions = z.output<typeof SamplingOptionsObject>;

/**
 * What the MCP adapter calls once per session, after initialize (when the
 * client's capabilities are known). Resolve it from the kernel container
 * with SAMPLING_SESSION_HOOK; it is absent when model-sampling is disabled.
 */
export interface SamplingSessionHook {
  /**
   * Registers the session's client as a model when it declared sampling and
   * returns detach(), to call when the session closes (it removes the model
   * and aborts its calls in flight). Returns undefined, registering nothing,
   * when the client cannot sample. `owner` (the session's process owner) is
   * recorded as info.owner, so a kernel that honours it runs only that
   * owner's processes on this client's model.
   */
  attach(server: SamplingPeer, sessionId: string, owner?: string): (() => Promise<void>) | undefined;
}

/** Process-wide symbol, so the MCP adapter can resolve the hook without importing this plugin. */
export const SAMPLING_SESSION_HOOK = Symbol.for('llmos.sampling.sessionHook');

/** A backend for one session's client, or undefined when the client did not declare sampling. */
export function samplingBackendFor(server: SamplingPeer, sessionId: string, o: SamplingOptions = SamplingOptions.parse({}), owner?: string): SamplingBackend | undefined {
  if (!clientCanSample(server)) return undefined;
  const info: ModelInfo = {
    id: `${o.id_prefix}${sessionId}`,
    version: '1',
    backend: 'model-sampling',
    capabilities: { context_window: o.context_window, max_output_tokens: o.max_output_tokens, streaming: false, tool_calling: clientCanSampleTools(server) },
    pricing: { input_per_1k: 0, output_per_1k: 0 },
    expected_tokens_per_s: o.expected_tokens_per_s,
    concurrency: o.concurrency,
    ...(owner !== undefined ? { owner } : {}),
  };
  return new SamplingBackend(info, server, { modelPreferences: o.model_preferences as ModelPreferences | undefined, timeoutMs: o.timeout_ms });
}

/** A client session as the sampling backend sees it. */
const peerOf = (s: ClientSession): SamplingPeer => ({
  createMessage: ((params: Parameters<ClientSession['createMessage']>[0], options?: { signal?: AbortSignal; timeout?: number }) => s.createMessage(params, options ?? {})) as SamplingPeer['createMessage'],
  getClientCapabilities: () => (s.canSample ? { sampling: s.canSampleTools ? { tools: {} } : {} } : {}),
});

/** The hook over one kernel: add on attach, remove (closing the backend) on detach. */
export function samplingSessionHook(kernel: KernelApi, o: SamplingOptions, log: Logger): SamplingSessionHook {
  return {
    attach(server, sessionId, owner) {
      const backend = samplingBackendFor(server, sessionId, o, owner);
      if (!backend) return undefined;
      const id = backend.info.id;
      kernel.addModel(backend);
      log.info({ model: id, session: sessionId }, 'client model registered through sampling');
      let detached = false;
      return async () => {
        if (detached || kernel.model(id)?.info !== backend.info) return;
        detached = true;
        await kernel.removeModel(id);
        log.info({ model: id, session: sessionId }, 'client model removed: session closed');
      };
    },
  };
}

/**
 * The connected MCP client's own model via sampling/createMessage. Nothing
 * is registered at boot: the MCP adapter calls the session hook for each
 * session, and only clients that declared sampling become models.
 */
export default definePlugin({
  name: 'model-sampling',
  version: '1.0.0',
  apiVersion: '^1.0.0',
  description: "The MCP client's own model, through sampling/createMessage, for sessions whose client declared sampling.",
  provides: ['model'],
  options: SamplingOptions,
  register(scope, o) {
    const hook = samplingSessionHook(scope.kernel, o, scope.log);
    scope.provide<SamplingSessionHook>(SAMPLING_SESSION_HOOK, hook);
    scope.onSession((s) => hook.attach(peerOf(s), s.id, s.owner));
  },
});
