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

/**
 * Fails with LLMOS_EINVAL when λ/μ or the service time 1/μ is past what a
 * double holds: every figure would then be Infinity, which no JSON answer can carry.
 */
function checkRatesInRange(lambda: number, mu: number): void {
  if (Number.isFinite(lambda / mu) && Number.isFinite(1 / mu)) return;
  throw new LlmosError(
    'LLMOS_EINVAL',
    `arrival_rate ${lambda} and service_rate ${mu} are out of range: λ/μ and 1/μ must be finite numbers; express both rates in another time unit (per minute or per hour instead of per second) so that they lie between 1e-300 and 1e300.`,
    { arrival_rate: lambda, service_rate: mu },
  );
}

/** capacity_plan's logic, shared by the syscall and `llmos capacity`. */
export function capacityPlan(args: z.output<typeof CapacityInput>): z.output<typeof CapacityOutput> {
  checkRatesInRange(args.arrival_rate, args.service_rate);
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
