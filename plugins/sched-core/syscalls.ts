import { defineSyscall, LlmosError, z, type KernelApi } from '../../src/plugin-api/index.js';
import { mmc, smallestServers } from './mmc.js';
import type { SchedStats } from './stats.js';

const Percentiles = z.object({ mean_ms: z.number(), p50_ms: z.number(), p95_ms: z.number(), p99_ms: z.number() });

export const CapacityInput = z.object({
  arrival_rate: z.number().positive().finite().describe('λ: arrivals per second.'),
  service_rate: z.number().positive().finite().describe('μ: completions per second of ONE server.'),
  servers: z.number().int().positive().optional().describe('c: number of servers. Omit to get the smallest c meeting the target.'),
  target_wait: z.number().positive().finite().optional().describe('Target mean wait in queue Wq, seconds.'),
  target_wait_probability: z.number().gt(0).lt(1).optional().describe('Target probability of waiting at all (Erlang C).'),
  max_n: z.number().int().min(0).max(1000).default(10).describe('List P(n in system) for n = 0..max_n.'),
});

const nullableNum = z.number().nullable();
export const CapacityOutput = z.object({
  rho: z.number().describe('Per-server utilisation λ/(cμ).'),
  offered_load: z.number(),
  servers: z.number().int(),
  stable: z.boolean(),
  message: z.string(),
  p0: nullableNum,
  pn: z.array(z.number()).nullable(),
  erlang_c: nullableNum.describe('Probability an arrival waits.'),
  lq: nullableNum,
  wq: nullableNum.describe('Mean wait in queue, seconds.'),
  w: nullableNum.describe('Mean time in system, seconds.'),
  l: nullableNum,
  servers_needed: z.number().int().nullable().describe('Smallest c that is stable and meets every target given.'),
});

/** capacity_plan's logic, shared by the syscall and `llmos capacity`. */
export function capacityPlan(args: z.output<typeof CapacityInput>): z.output<typeof CapacityOutput> {
  const target = { wait: args.target_wait, waitProbability: args.target_wait_probability };
  const hasTarget = target.wait !== undefined || target.waitProbability !== undefined;
  if (args.servers === undefined && !hasTarget)
    throw new LlmosError('LLMOS_EINVAL', 'capacity_plan needs servers, or a target (target_wait or target_wait_probability) to find the smallest number of servers.');
  const needed = smallestServers(args.arrival_rate, args.service_rate, target);
  const c = args.servers ?? needed;
  if (c === null) throw new LlmosError('LLMOS_EINVAL', 'no number of servers up to 1,000,000 meets the target; relax target_wait or target_wait_probability.');
  const r = mmc({ lambda: args.arrival_rate, mu: args.service_rate, c, k: args.max_n });
  return {
    rho: r.rho,
    offered_load: r.offered_load,
    servers: c,
    stable: r.stable,
    message: r.message,
    p0: r.p0,
    pn: r.pn,
    erlang_c: r.erlang_c,
    lq: r.lq,
    wq: r.wq,
    w: r.w,
    l: r.l,
    servers_needed: needed,
  };
}

export const schedSyscalls = (kernel: KernelApi, stats: SchedStats) => [
  defineSyscall({
    name: 'sched_get',
    title: 'Get the scheduler',
    description: 'The active scheduler, the schedulers loaded plugins provide, and the active queue state.',
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
    title: 'Switch the scheduler',
    description: 'Makes another scheduler active at once. Every queued process moves over in arrival order; none is lost.',
    input: z.object({ name: z.string().min(1).describe('A name from sched_get.available, e.g. "sjf".') }),
    output: z.object({ active: z.string(), previous: z.string(), moved: z.number().int() }),
    annotations: { idempotentHint: true },
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
    title: 'Scheduling statistics',
    description: "Queue length per priority class; wait and response p50/p95/p99 per class (ms); throughput; utilisation per model; and a Little's-law cross-check (L against λW).",
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
    title: 'Plan capacity (M/M/c)',
    description:
      'The M/M/c queue for arrival rate λ, per-server service rate μ and c servers: ρ, P0, P(n) for n ≤ max_n, Erlang C, Lq, Wq, W, L. Give a target mean wait or wait probability to get the smallest c that meets it. ρ ≥ 1 is reported as unstable.',
    input: CapacityInput,
    output: CapacityOutput,
    annotations: { readOnlyHint: true, idempotentHint: true },
    handler: (args) => capacityPlan(args),
  }),
];
