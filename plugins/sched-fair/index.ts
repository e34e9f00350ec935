import { definePlugin, LlmosError, z, type SchedulerFactory } from '../../src/plugin-api/index.js';
import { FairScheduler } from './fair.js';

export const FairOptions = z.object({
  /** The policy that orders each owner's own queue: any scheduler name except "fair". */
  inner: z
    .string()
    .min(1)
    .default('fcfs')
    .refine((s) => s !== 'fair', { message: 'the inner policy cannot be "fair" itself' }),
  /** Share of each owner (MCP session or API key); owners not listed get default_weight. */
  weights: z.record(z.string(), z.number().positive()).default({}),
  default_weight: z.number().positive().default(1),
});
export type FairOptions = z.output<typeof FairOptions>;

export default definePlugin({
  name: 'sched-fair',
  version: '1.0.0',
  apiVersion: '^1.0.0',
  description: 'Weighted fair queueing across owners, each owner ordered by an inner policy (fcfs, sjf, priority, hrrn).',
  provides: ['scheduler'],
  options: FairOptions,
  register(scope, opts) {
    // Resolved when the scheduler is made (sched_set or first use), after every plugin registered.
    const inner = (): SchedulerFactory => {
      const make = scope.schedulerFactory(opts.inner);
      if (!make) throw new LlmosError('LLMOS_EPLUGIN', `sched-fair: inner policy "${opts.inner}" is not loaded; enable the plugin that provides it (sched-${opts.inner}) or set options.inner to a loaded scheduler.`);
      return make;
    };
    scope.scheduler('fair', () => new FairScheduler(inner(), opts.weights, opts.default_weight));
  },
});
