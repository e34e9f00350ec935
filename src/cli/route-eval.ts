import { writeFileSync } from 'node:fs';
import { progressBar } from './progress.js';
import { Command, InvalidArgumentError, Option } from 'commander';
import { configPath } from '../boot.js';
import { isLlmosError } from '../core/errors.js';
import { ensembleEval, formatEnsemble, type EnsembleReport } from '../route/ensemble.js';
import { routeEval, type RouteEvalOptions } from '../route/evaluate.js';
import { formatReport } from '../route/format.js';
import { paretoSvg } from '../route/svg.js';
import { DEFAULT_LAMBDAS, lambdaSweep } from '../route/sweep.js';

const collect = (v: string, prev: string[]) => [...prev, v];
const num = (what: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`${what} must be a number.`);
  return n;
};

/** "alloc-bandit.alpha=0.1" → { "alloc-bandit": { alpha: 0.1 } }; numbers and booleans are parsed. */
function parseParams(list: string[]): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const p of list) {
    const m = /^([a-z][a-z0-9-]*)\.([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(p);
    if (!m) throw new InvalidArgumentError(`--param "${p}" must look like plugin.option=value, e.g. alloc-bandit.alpha=0.1`);
    const raw = m[3];
    const value = raw === 'true' ? true : raw === 'false' ? false : raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    (out[m[1]] ??= {})[m[2]] = value;
  }
  return out;
}

/** `llmos route-eval`: replays RouterBench-format CSVs through an allocator plugin and scores it. */
export function routeEvalCommand(): Command {
  return new Command('route-eval')
    .description('Replay recorded LLM outcomes (RouterBench CSVs) through an allocator; print accuracy and cost per 1,000 prompts against every single model, the oracle and random choice.')
    .requiredOption('--data <file>', 'a RouterBench CSV to score (repeatable; prompts of all files are interleaved)', collect, [])
    .option('--warmup <file>', 'a RouterBench CSV replayed first to learn from, not scored (repeatable)', collect, [])
    .option('-c, --config <file>', 'plugin config whose allocator and profiler plugins and options are replayed (default: as serve, $LLMOS_CONFIG or ./llmos.plugins.json)')
    .option('--allocator <name>', 'allocator to evaluate', 'bandit')
    .option('--lambda <x>', 'cost sensitivity, kept fixed: reward = quality − λ × dollars (default: λ paced to the bandit\'s budget_share)', num('--lambda'))
    .option('--budget-share <x>', 'bandit spend target: this share of what always choosing the best-rated model would cost (default 0.24; 0 = fixed λ)', num('--budget-share'))
    .option('--seed <n>', 'seed of the stream order, splits and tie-breaks', num('--seed'), 1)
    .option('--holdout <fraction>', 'score only this seeded share of each --data file; the rest joins the warm-up', num('--holdout'))
    .addOption(new Option('--warmup-feedback <mode>', 'warm-up feeds back every model\'s outcome (all, like eval results) or only the chosen one').choices(['all', 'chosen']).default('all'))
    .option('--param <plugin.option=value>', 'plugin option over the config\'s for the replay kernel, e.g. alloc-bandit.budget_per_1k=1.2 (repeatable)', collect, [])
    .option('--ensemble <k>', 'replay majority-vote fusion of the k models the allocator ranks highest per prompt (see src/route/ensemble.ts)', num('--ensemble'))
    .option('--quorum <q>', 'with --ensemble: ask the ranked models one by one and stop once q agree', num('--quorum'))
    .option('--json', 'print one JSON object instead of a table')
    .option('--plot <file.svg>', 'also sweep λ and draw accuracy against cost as SVG')
    .option('--lambdas <list>', 'λ values of the sweep, comma-separated', (v) => v.split(',').map(num('--lambdas')))
    .action(async (opts) => {
      try {
        if (!opts.data.length) throw new InvalidArgumentError('give at least one --data FILE.csv');
        if (opts.holdout !== undefined && !(opts.holdout > 0 && opts.holdout < 1)) throw new InvalidArgumentError('--holdout must be between 0 and 1');
        if (opts.budgetShare !== undefined && !(opts.budgetShare >= 0 && opts.budgetShare <= 1)) throw new InvalidArgumentError('--budget-share must be between 0 and 1');
        if (opts.budgetShare !== undefined && opts.lambda !== undefined) throw new InvalidArgumentError('give --lambda (a fixed λ) or --budget-share (λ paced to a spend share), not both');
        const o: RouteEvalOptions = {
          data: opts.data,
          config: configPath(opts.config),
          warmup: opts.warmup,
          allocator: opts.allocator,
          lambda: opts.lambda,
          budgetShare: opts.budgetShare,
          seed: opts.seed,
          holdout: opts.holdout,
          warmupFeedback: opts.warmupFeedback,
          pluginOptions: parseParams(opts.param),
        };
        if (opts.quorum !== undefined && opts.ensemble === undefined) throw new InvalidArgumentError('--quorum needs --ensemble K');
        if (opts.ensemble !== undefined && opts.plot) throw new InvalidArgumentError('--plot sweeps λ for a single allocator; leave it out with --ensemble');
        const bar = progressBar('route-eval', opts.plot ? 2 : 1, `replaying ${opts.ensemble !== undefined ? `a ${opts.ensemble}-model ensemble` : opts.allocator}`);
        const { items, streams, ...report } = await (opts.ensemble !== undefined ? ensembleEval({ ...o, ensemble: opts.ensemble, quorum: opts.quorum }) : routeEval(o)).finally(() => !opts.plot && bar.stop());
        let sweep: Awaited<ReturnType<typeof lambdaSweep>> | undefined;
        if (opts.plot) {
          bar.update(1, 'λ sweep');
          sweep = await lambdaSweep(o, streams, items, opts.lambdas ?? DEFAULT_LAMBDAS).finally(() => bar.stop());
          const refs = [
            { label: `${report.allocator} as run${report.lambda === report.lambda_final ? '' : ' (λ paced)'}`, accuracy: report.accuracy, cost_per_1k: report.cost_per_1k, highlight: true },
            { label: 'oracle', ...report.oracle },
            { label: 'random', ...report.random },
            ...Object.entries(report.baselines).map(([label, s]) => ({ label, ...s })),
          ];
          writeFileSync(opts.plot, paretoSvg(sweep.map((p) => ({ label: `λ ${p.lambda}`, ...p })), refs, `${report.allocator}: accuracy vs cost over a λ sweep (${report.prompts} prompts)`));
        }
        const ens = 'ensemble' in report ? `\n${formatEnsemble(report as EnsembleReport)}` : '';
        process.stdout.write((opts.json ? JSON.stringify(sweep ? { ...report, sweep } : report) : formatReport(report) + ens + (sweep ? `\nλ sweep: ${sweep.map((p) => `λ ${p.lambda}: ${p.accuracy.toFixed(3)} @ $${p.cost_per_1k.toFixed(3)}`).join('; ')}\nplot written to ${opts.plot}` : '')) + '\n');
      } catch (e) {
        process.stderr.write(`route-eval: ${isLlmosError(e) || e instanceof InvalidArgumentError ? e.message : e instanceof Error ? e.message : String(e)}\n`);
        process.exitCode = 2;
      }
    });
}
