import { definePlugin, PERF_TABLE_TOKEN, type PerfTable } from '../../src/plugin-api/index.js';
import { PerfAllocator, PerfOptions } from './perf-allocator.js';
import { MemoryPerfTable } from './perf-table.js';

export { PerfAllocator } from './perf-allocator.js';
export { MemoryPerfTable } from './perf-table.js';

/**
 * Allocator "perf": scores models from the performance table. Reads the
 * PerfTable some plugin provides under PERF_TABLE_TOKEN (model-core's
 * persistent one, filled by model_eval); without it, keeps its own in-memory table filled by feedback.
 */
export default definePlugin({
  name: 'alloc-perf',
  version: '1.0.0',
  apiVersion: '^1.0.0',
  description: 'Weighted accuracy, latency and cost from the performance table, with budget, latency-SLO and context-window constraints.',
  provides: ['allocator'],
  options: PerfOptions,
  register(scope, opts) {
    let own: PerfTable | undefined;
    const table = (): PerfTable => {
      if (scope.has(PERF_TABLE_TOKEN)) return scope.resolve<PerfTable>(PERF_TABLE_TOKEN);
      return (own ??= new MemoryPerfTable());
    };
    scope.allocator('perf', () => new PerfAllocator(table, opts));
  },
});
