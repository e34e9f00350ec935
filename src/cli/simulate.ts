import { writeFileSync } from 'node:fs';
import { progressBar } from './progress.js';
import { Command } from 'commander';
import { z } from 'zod';
import { configPath } from '../boot.js';
import { isLlmosError, LlmosError } from '../core/errors.js';
import { serviceDist } from '../sim/dists.js';
import { simulate, type SimResult } from '../sim/engine.js';
import { waitCdfSvg } from '../sim/plot.js';
import { num, parseFlags } from './flags.js';

/** Parses "k:w,k:w" weight lists, e.g. "0:0.1,9:0.9". */
const mix = (flag: string) =>
  z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined) return undefined;
      const out: Record<string, number> = {};
      for (const part of s.split(',')) {
        const [k, w] = part.split(':');
        const v = Number(w);
        if (!k || !(v > 0)) {
          ctx.addIssue({ code: 'custom', message: `"${part}" is not KEY:WEIGHT with a positive weight (e.g. ${flag === 'priority_mix' ? '0:0.1,9:0.9' : 'alice:1,flood:9'})` });
          return z.NEVER;
        }
        out[k] = v;
      }
      return out;
    });

const PluginOptionsJson = z.record(z.string(), z.record(z.string(), z.unknown()));

const SimulateInput = z.object({
  policy: z.array(z.string().min(1)).min(1),
  arrival_rate: z.number().positive().finite(),
  service_rate: z.number().positive().finite(),
  servers: z.number().int().positive(),
  tasks: z.number().int().positive().max(50_000_000),
  service_dist: z.string().regex(/^(exp|lognormal|pareto|trace:.+)$/, 'use exp, lognormal, pareto or trace:FILE'),
  priority_mix: mix('priority_mix').refine((m) => !m || Object.keys(m).every((k) => /^[0-9]$/.test(k)), 'priority classes are integers 0..9'),
  owners: mix('owners'),
  config: z.string().min(1),
  plugin_options: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined) return undefined;
      const r = PluginOptionsJson.safeParse((() => {
        try {
          return JSON.parse(s) as unknown;
        } catch {
          return undefined;
        }
      })());
      if (r.success) return r.data;
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object of option objects by plugin name, e.g. {"sched-sjf":{"max_wait_ms":30000}}' });
      return z.NEVER;
    }),
  prediction_noise: z.number().min(0).default(0),
  seed: z.number().int().default(1),
});

/** The --json figures of one policy (mean_wait, mean_response, p50/p95/p99_wait, utilization, tasks and details), without the raw waits. */
function jsonOf(r: SimResult) {
  const { waits: _w, classes: _c, services: _s, ...rest } = r;
  return rest;
}

const f = (v: number) => (v >= 1e5 ? v.toExponential(2) : v.toPrecision(4)).padStart(10);
function table(r: SimResult): string {
  const cols = ['wait:mean', 'p50', 'p95', 'p99', 'resp:mean', 'p50', 'p95', 'p99'];
  const head = `${'group'.padEnd(12)}${'tasks'.padStart(9)}${cols.map((c) => c.padStart(10)).join('')}`;
  const row = (name: string, s: SimResult['per_class'][string]) =>
    `${name.padEnd(12)}${String(s.tasks).padStart(9)}${[s.mean_wait, s.p50_wait, s.p95_wait, s.p99_wait, s.mean_response, s.p50_response, s.p95_response, s.p99_response].map(f).join('')}`;
  const classes = Object.entries(r.per_class).map(([k, v]) => [`class ${k}`, v] as const);
  const owners = Object.entries(r.per_owner).map(([k, v]) => [`owner ${k}`, v] as const);
  return [
    `policy ${r.policy}: ${r.tasks} tasks, utilisation ${(r.utilization * 100).toFixed(1)}%, simulated ${r.sim_seconds.toFixed(1)} s in ${r.wall_ms.toFixed(0)} ms`,
    head,
    ...(classes.length > 1 ? classes.map(([k, s]) => row(k, s)) : []),
    ...(owners.length > 1 ? owners.map(([k, s]) => row(k, s)) : []),
    row('all', r),
    `longest decile: p99 response ${r.longest_decile.p99_response.toFixed(3)} s, mean ${r.longest_decile.mean_response.toFixed(3)} s; Little: L=${r.little.l.toFixed(4)} λW=${r.little.lambda_w.toFixed(4)}`,
  ].join('\n');
}

type Flags = Record<string, string | boolean | undefined>;
type SimulateInput = z.output<typeof SimulateInput>;

/** Validated flags; --config defaults to the file `llmos serve` reads. */
function inputOf(o: Flags): SimulateInput {
  return parseFlags(SimulateInput, {
    policy: String(o.policy).split(',').map((s) => s.trim()).filter(Boolean),
    arrival_rate: num(o.arrivalRate as string),
    service_rate: num(o.serviceRate as string),
    servers: num(o.servers as string),
    tasks: num(o.tasks as string),
    service_dist: o.serviceDist,
    priority_mix: o.priorityMix,
    owners: o.owners,
    config: configPath(o.config as string | undefined),
    plugin_options: o.pluginOptions,
    prediction_noise: num(o.predictionNoise as string),
    seed: num(o.seed as string),
  });
}

/** One simulation per policy, on the same seeded workload. */
async function simulateAll(a: SimulateInput): Promise<SimResult[]> {
  let service;
  try {
    service = serviceDist(a.service_dist, 1 / a.service_rate);
  } catch (e) {
    throw new LlmosError('LLMOS_EINVAL', `--service-dist: ${(e as Error).message}`);
  }
  const results: SimResult[] = [];
  const bar = progressBar('simulate', a.policy.length, a.policy[0]); // named at start: a synchronous run may block the bar's redraw timer
  for (const [i, policy] of a.policy.entries()) {
    bar.update(i, policy);
    const cfg = { policy, config: a.config, pluginOptions: a.plugin_options, arrivalRate: a.arrival_rate, serviceRate: a.service_rate, servers: a.servers, tasks: a.tasks, service };
    const run = simulate({ ...cfg, priorityMix: a.priority_mix as Record<number, number> | undefined, ownerMix: a.owners, seed: a.seed, predictionNoise: a.prediction_noise });
    results.push(
      await run.catch((e: Error) => {
        throw isLlmosError(e) ? e : new LlmosError('LLMOS_EINVAL', `--policy ${policy}: ${e.message}`);
      }),
    );
  }
  bar.stop();
  return results;
}

/** Writes --plot and prints --json or the tables. */
function report(a: SimulateInput, o: Flags, results: SimResult[]): void {
  if (typeof o.plot === 'string') {
    const rho = a.arrival_rate / (a.servers * a.service_rate);
    writeFileSync(o.plot, waitCdfSvg(results.map((r) => ({ name: r.policy, waits: r.waits })), `wait-time CDF, ${a.service_dist} service, ρ=${rho.toFixed(2)}, c=${a.servers}, ${a.tasks} tasks`));
  }
  if (o.json) {
    const [first, ...rest] = results.map(jsonOf);
    process.stdout.write(JSON.stringify(rest.length ? { ...first, policies: Object.fromEntries(results.map((r, i) => [r.policy, i === 0 ? first : rest[i - 1]])) } : first) + '\n');
  } else process.stdout.write(results.map(table).join('\n\n') + '\n');
}

/** `llmos simulate`: a discrete-event simulation driving the configured scheduler plugins, loaded by the real loader. */
export function simulateCommand(): Command {
  return new Command('simulate')
    .description('Simulate a queue on a virtual clock with the configured scheduler plugins (times in seconds)')
    .requiredOption('--policy <names>', 'scheduler(s) to compare, comma-separated: fcfs, sjf, priority, hrrn, fair')
    .requiredOption('--arrival-rate <λ>', 'arrivals per second (Poisson)')
    .requiredOption('--service-rate <μ>', 'completions per second of one server')
    .requiredOption('--servers <c>', 'number of servers')
    .option('--tasks <n>', 'tasks to simulate', '100000')
    .option('--service-dist <d>', 'exp | lognormal (σ=1) | pareto (α=2.2) | trace:FILE (one service time in seconds per line)', 'exp')
    .option('--priority-mix <mix>', 'priority class weights, e.g. 0:0.1,4:0.6,9:0.3')
    .option('--owners <mix>', 'owner weights of the arrival stream, e.g. alice:1,flood:9 (for --policy fair)')
    .option('-c, --config <file>', 'plugin config whose scheduler plugins and options are simulated (default: as serve, $LLMOS_CONFIG or ./llmos.plugins.json)')
    .option('--plugin-options <json>', 'options laid over the config\'s, by plugin name, e.g. {"sched-sjf":{"aging":0.25}}')
    .option('--prediction-noise <σ>', 'callers over-state max_tokens by exp(σ|Z|); 0 = exact sizes', '0')
    .option('--seed <s>', 'random seed', '1')
    .option('--json', 'print one JSON object')
    .option('--plot <file.svg>', 'write the wait-time distributions of the policies as SVG')
    .action(async (o: Flags) => {
      const a = inputOf(o);
      report(a, o, await simulateAll(a));
    });
}
