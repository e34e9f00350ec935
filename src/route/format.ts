import type { RouteEvalReport } from './evaluate.js';
import type { Score } from './tally.js';

const row = (name: string, s: Score) => `${name.padEnd(40)} ${s.accuracy.toFixed(3).padStart(8)} ${`$${s.cost_per_1k.toFixed(3)}`.padStart(10)}`;

/** " (λ 20)" for a fixed λ, " (λ 20 → 28.1, paced)" when budget pacing moved it. */
const lambdaNote = (r: RouteEvalReport) =>
  r.lambda === null ? '' : r.lambda_final !== null && r.lambda_final !== r.lambda ? ` (λ ${+r.lambda.toFixed(3)} → ${+r.lambda_final.toFixed(1)}, paced)` : ` (λ ${+r.lambda.toFixed(3)})`;

/** The human-readable report: allocator first, then oracle, random and every single model. */
export function formatReport(r: RouteEvalReport): string {
  const lines = [
    `route-eval: ${r.prompts} prompts scored, ${r.warmup_prompts} warm-up, ${r.skipped_rows} malformed rows skipped, seed ${r.seed}`,
    `${'policy'.padEnd(40)} ${'accuracy'.padStart(8)} ${'$/1k'.padStart(10)}`,
    row(`${'ensemble' in r ? `ensemble of ${(r.ensemble as { k: number }).k} by ` : 'allocator '}${r.allocator}${lambdaNote(r)}`, r),
    row('oracle (cheapest correct)', r.oracle),
    row('random', r.random),
    ...Object.entries(r.baselines).map(([m, s]) => row(`always ${m}`, s)),
    '',
    'by family (allocator):',
    ...Object.entries(r.by_family).map(([f, s]) => `  ${row(`${f} (${s.prompts})`, s)}`),
    'choices: ' + Object.entries(r.choices).filter(([, n]) => n > 0).map(([m, n]) => `${m} ${n}`).join(', '),
    'cumulative regret (quality − λ·cost vs best per prompt): ' + r.regret.map((p) => `${p.prompt}:${p.regret.toFixed(1)}`).join(' '),
  ];
  for (const s of r.skipped.slice(0, 5)) lines.push(`skipped ${s.file}:${s.line}: ${s.reason}`);
  if (r.skipped_rows > 5) lines.push(`… and ${r.skipped_rows - 5} more skipped rows`);
  return lines.join('\n');
}
