import { definePlugin, z } from '../../src/plugin-api/index.js';
import { SchedStats } from './stats.js';
import { schedSyscalls } from './syscalls.js';

export default definePlugin({
  name: 'sched-core',
  version: '1.0.0',
  apiVersion: '^1.0.0',
  description: 'Scheduler syscalls: sched_get, sched_set, sched_stats and capacity_plan (M/M/c).',
  provides: ['syscall'],
  options: z.object({
    /** Deprecated: name the active scheduler with "scheduler" at the top of llmos.plugins.json. Still made active at start, with a warning. */
    default: z.string().min(1).optional(),
    /** Exits per class kept for percentiles. */
    window: z.number().int().min(16).max(1_000_000).default(4096),
  }),
  register(scope, opts) {
    const stats = new SchedStats(scope.kernel, opts.window);
    for (const s of schedSyscalls(scope.kernel, stats)) scope.syscall(s);
    return {
      start() {
        if (opts.default) {
          scope.log.warn({ option: 'default', use: `"scheduler": "${opts.default}"` }, `option "default" is deprecated; set "scheduler": "${opts.default}" at the top of llmos.plugins.json and remove it from sched-core's options`);
          scope.kernel.setScheduler(opts.default);
        }
        stats.start();
      },
      stop: () => stats.stop(),
    };
  },
});
