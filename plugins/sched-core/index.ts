import { definePlugin, z } from '../../src/plugin-api/index.js';
import { SchedStats } from './stats.js';
import { schedSyscalls } from './syscalls.js';

export default definePlugin({
  name: 'sched-core',
  version: '1.0.0',
  description: 'Scheduler syscalls: sched_get, sched_set, sched_stats and capacity_plan (M/M/c).',
  provides: ['syscall'],
  options: z.object({
    /** The scheduler made active at start; omitted keeps the kernel's default (the first one loaded). */
    default: z.string().min(1).optional(),
    /** Exits per class kept for percentiles. */
    window: z.number().int().min(16).max(1_000_000).default(4096),
  }),
  register(scope, opts) {
    const stats = new SchedStats(scope.kernel, opts.window);
    for (const s of schedSyscalls(scope.kernel, stats)) scope.syscall(s);
    scope.provide(Symbol.for('llmos.sched-core:stats'), stats);
  },
  start(scope, opts) {
    if (opts.default) scope.kernel.setScheduler(opts.default);
    scope.resolve<SchedStats>(Symbol.for('llmos.sched-core:stats')).start();
  },
  stop(scope) {
    scope.resolve<SchedStats>(Symbol.for('llmos.sched-core:stats')).stop();
  },
});
