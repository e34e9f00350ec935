import { trace } from '@opentelemetry/api';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { definePlugin, z, type PluginDefinition } from '../../src/plugin-api/index.js';
import { ProcTracer } from './proc-tracer.js';

export { ProcTracer } from './proc-tracer.js';

/**
 * Whether the standard OTEL_* variables ask for traces: an exporter named in
 * OTEL_TRACES_EXPORTER (not "none") or an OTLP endpoint, and not OTEL_SDK_DISABLED.
 */
export function tracesWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.toLowerCase() === 'true') return false;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (exporter) return exporter !== 'none';
  return !!(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/**
 * The plugin, with the OpenTelemetry Node SDK configured by the OTEL_*
 * variables (exporter, endpoint, headers, sampler, OTEL_SERVICE_NAME, default
 * "llmos"); `spanProcessors` replaces the exporters the variables name (tests
 * pass an in-memory exporter). Without `spanProcessors` and without OTEL_*
 * asking for traces it does nothing, and the SDK (~20 MB resident) is never loaded.
 */
export function tracesPlugin(o: { spanProcessors?: SpanProcessor[] } = {}): PluginDefinition<z.ZodObject<{}>> {
  return definePlugin({
    name: 'obs-traces',
    version: '1.0.0',
    apiVersion: '^1.0.0',
    description: 'OpenTelemetry traces (opt-in through OTEL_*): a span per process with queue, allocation and GenAI model-call spans; collaborations as parent and child spans.',
    provides: [],
    options: z.object({}),
    async register(scope) {
      if (!o.spanProcessors && !tracesWanted()) return;
      const { NodeSDK } = await import('@opentelemetry/sdk-node');
      const sdk = new NodeSDK({ serviceName: process.env.OTEL_SERVICE_NAME ?? 'llmos', instrumentations: [], ...(o.spanProcessors && { spanProcessors: o.spanProcessors }) });
      const tracer = new ProcTracer(scope.kernel, trace.getTracer('llmos', scope.kernel.version));
      let off: (() => void) | undefined;
      return {
        start() {
          sdk.start();
          off = tracer.follow();
          scope.log.info({ exporter: o.spanProcessors ? 'given' : (process.env.OTEL_TRACES_EXPORTER ?? 'otlp') }, 'OpenTelemetry tracing on');
        },
        async stop() {
          off?.();
          tracer.endAll();
          await sdk.shutdown();
        },
      };
    },
  });
}

export default tracesPlugin();
