import { z } from 'zod';
import { LlmosError } from '../core/errors.js';
import { MAX_SERVERS, mmc, smallestServers } from './mmc.js';

export const CapacityInput = z.object({
  arrival_rate: z.number().positive().finite().describe('λ: arrivals per second.'),
  service_rate: z.number().positive().finite().describe('μ: completions per second of ONE server.'),
  servers: z.number().int().positive().max(MAX_SERVERS).optional().describe(`c: number of servers (at most ${MAX_SERVERS}). Omit to get the smallest c meeting the target.`),
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
  if (c === null) throw new LlmosError('LLMOS_EINVAL', `no number of servers up to ${MAX_SERVERS.toLocaleString('en')} meets the target (offered load λ/μ = ${args.arrival_rate / args.service_rate}); relax target_wait or target_wait_probability, or plan in larger units.`);
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
