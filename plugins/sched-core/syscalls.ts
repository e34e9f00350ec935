import { CapacityInput, CapacityOutput, capacityPlan, defineSyscall, z, type KernelApi } from '../../src/plugin-api/index.js';
import type { SchedStats } from './stats.js';

const Percentiles = z.object({ mean_ms: z.number(), p50_ms: z.number(), p95_ms: z.number(), p99_ms: z.number() });

export const schedSyscalls = (kernel: KernelApi, stats: SchedStats) => [
  defineSyscall({
    name: 'sched_get',
    toolset: 'sched',
    title: 'Get the scheduler',
    description: 'Which scheduler orders the queue, the others available, and the queue state.',
    input: z.object({}),
    output: z.object({ active: z.string(), available: z.array(z.string()), queued: z.number().int(), snapshot: z.record(z.string(), z.unknown()) }),
    annotations: { readOnlyHint: true, idempotentHint: true },
    handler: () => {
      const s = kernel.scheduler();
      return { active: s.name, available: kernel.schedulerNames(), queued: s.size(), snapshot: s.snapshot() };
    },
  }),
  defineSyscall({
    name: 'sched_set',
    toolset: 'sched',
    title: 'Switch the scheduler',
    description: 'Switch the scheduler now; queued processes move over in order.',
    input: z.object({ name: z.string().min(1).describe('A name from sched_get.available, e.g. "sjf".') }),
    output: z.object({ active: z.string(), previous: z.string(), moved: z.number().int() }),
    annotations: { readOnlyHint: false, idempotentHint: true },
    admin: true,
    handler: ({ name }) => {
      const previous = kernel.scheduler();
      const moved = previous.size();
      const next = kernel.setScheduler(name);
      return { active: next.name, previous: previous.name, moved };
    },
  }),
  defineSyscall({
    name: 'sched_stats',
    toolset: 'sched',
    title: 'Scheduling statistics',
    description: 'Measured queue lengths, waits and response times per priority (p50/p95/p99), throughput and utilisation; use before capacity_plan.',
    input: z.object({ reset: z.boolean().default(false).describe('Start a new measurement window after answering.') }),
    output: z.object({
      scheduler: z.string(),
      window_s: z.number(),
      queued: z.object({ total: z.number().int(), by_class: z.record(z.string(), z.number().int()) }),
      classes: z.record(z.string(), z.object({ completed: z.number().int(), wait: Percentiles, response: Percentiles })),
      completed: z.number().int(),
      throughput_per_s: z.number(),
      utilization: z.record(z.string(), z.number()),
      little: z.object({ l: z.number(), lambda_per_s: z.number(), w_s: z.number(), lambda_w: z.number(), in_system: z.number().int(), rel_error: z.number() }),
    }),
    annotations: { readOnlyHint: true },
    handler: ({ reset }) => {
      const out = { scheduler: kernel.scheduler().name, ...stats.snapshot() };
      if (reset) stats.reset();
      return out;
    },
  }),
  defineSyscall({
    name: 'capacity_plan',
    toolset: 'sched',
    title: 'Plan capacity (M/M/c)',
    description:
      'Size a pool of model servers with the M/M/c queue: from arrival rate λ and per-server rate μ, the waits (Wq, W), Erlang C, and the fewest servers meeting target_wait or target_wait_probability.',
    input: CapacityInput,
    output: CapacityOutput,
    annotations: { readOnlyHint: true, idempotentHint: true },
    handler: (args) => capacityPlan(args),
  }),
];
