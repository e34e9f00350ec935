import { Command } from 'commander';
import { CapacityInput, capacityPlan } from '../plugin-api/capacity.js';
import { num, parseFlags } from './flags.js';

const fmt = (v: number | null) => (v === null ? 'n/a' : Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(4) : v.toFixed(4));

/** `llmos capacity`: the M/M/c model, as capacity_plan computes it. */
export function capacityCommand(): Command {
  return new Command('capacity')
    .description('M/M/c capacity planning: waits, queue lengths and the servers a target needs')
    .requiredOption('--arrival-rate <λ>', 'arrivals per second')
    .requiredOption('--service-rate <μ>', 'completions per second of one server')
    .option('--servers <c>', 'number of servers (omit with a target to find the smallest)')
    .option('--target-wait <s>', 'target mean wait in queue, seconds')
    .option('--target-wait-probability <p>', 'target probability of waiting (Erlang C)')
    .option('--max-n <k>', 'list P(n in system) for n ≤ k', '10')
    .option('--json', 'print one JSON object')
    .action((o: Record<string, string | boolean | undefined>) => {
      const args = parseFlags(CapacityInput, {
        arrival_rate: num(o.arrivalRate as string),
        service_rate: num(o.serviceRate as string),
        servers: num(o.servers as string | undefined),
        target_wait: num(o.targetWait as string | undefined),
        target_wait_probability: num(o.targetWaitProbability as string | undefined),
        max_n: num(o.maxN as string),
      });
      const r = capacityPlan(args);
      if (o.json) {
        process.stdout.write(JSON.stringify(r) + '\n');
        return;
      }
      const lines = [
        `M/M/${r.servers}: λ=${args.arrival_rate}/s, μ=${args.service_rate}/s per server, offered load ${fmt(r.offered_load)} erlangs`,
        `ρ (utilisation per server)  ${fmt(r.rho)}`,
        r.message,
      ];
      if (r.stable)
        lines.push(
          `P0                         ${fmt(r.p0)}`,
          `Erlang C (P wait > 0)      ${fmt(r.erlang_c)}`,
          `Lq (mean queue length)     ${fmt(r.lq)}`,
          `Wq (mean wait, s)          ${fmt(r.wq)}`,
          `W  (mean time in system, s) ${fmt(r.w)}`,
          `L  (mean number in system) ${fmt(r.l)}`,
          `P(n) n=0..${args.max_n}: ${r.pn!.map((p) => fmt(p)).join(' ')}`,
        );
      if (r.servers_needed !== null) lines.push(`smallest c that is stable${args.target_wait !== undefined || args.target_wait_probability !== undefined ? ' and meets the target' : ''}: ${r.servers_needed}`);
      process.stdout.write(lines.join('\n') + '\n');
    });
}
