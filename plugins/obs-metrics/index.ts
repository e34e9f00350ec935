import { Registry } from 'prom-client';
import { definePlugin, z, type KernelApi } from '../../src/plugin-api/index.js';
import { EventMetrics, type Caps } from './event-metrics.js';
import { LabelCap } from './label-cap.js';
import { metricsRoute } from './route.js';
import { stateMetrics } from './state-metrics.js';

export { LabelCap } from './label-cap.js';

/** Wires the metrics to the kernel's events, one listener per event kind for the whole table (none per process); returns unsubscribe. */
function follow(kernel: KernelApi, m: EventMetrics, caps: Caps): () => void {
  const offs = [
    kernel.onProc('state', (p, from) => {
      if (from === 'new') caps.owner.of(p.owner);
      else if (from === 'ready' && p.state !== 'exited') m.leftReady(p, Date.now());
    }),
    kernel.onProc('exit', (p) => m.exited(p)),
    kernel.onSyscall((name, ms, code) => m.syscallDone(name, ms, code)),
  ];
  return () => offs.forEach((off) => off());
}

/**
 * Prometheus metrics at GET /metrics on the HTTP transport (prom-client). A
 * scrape needs LLMOS_METRICS_TOKEN (valid on /metrics only) or an admin's
 * token. Event metrics cost a few map lookups and additions per process
 * event; the rest is read from the kernel at scrape time. Labels from client input are capped.
 */
export default definePlugin({
  name: 'obs-metrics',
  version: '1.0.0',
  apiVersion: '^1.0.0',
  description: 'Prometheus /metrics: processes, queues, GenAI call duration, TTFT, tokens, cost, errors, retries, fallbacks, circuits, slots, budgets, allocator choices, syscall (KG) latency.',
  provides: ['transport'],
  options: z.object({
    max_owners: z.number().int().min(1).max(10_000).default(200).describe('Distinct owner label values kept; later owners count as "other".'),
    max_models: z.number().int().min(1).max(10_000).default(100).describe('Distinct model label values kept; later models count as "other".'),
    owner: z.string().min(1).default('http:metrics').describe('Owner a caller with the shared token (no named user) is checked as for admin rights.'),
  }),
  register(scope, o) {
    const kernel = scope.kernel;
    const registry = new Registry();
    const caps: Caps = { owner: new LabelCap(o.max_owners), model: new LabelCap(o.max_models), code: new LabelCap(100) };
    const metrics = new EventMetrics(registry, caps, () => kernel.allocator().name);
    stateMetrics(registry, kernel, caps);
    scope.http((router) => router.get('/metrics', metricsRoute(kernel, registry, o.owner)));
    let off: (() => void) | undefined;
    return {
      start() {
        off = follow(kernel, metrics, caps);
      },
      stop: () => off?.(),
    };
  },
});
