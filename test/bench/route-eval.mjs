// Route-eval benchmark on the shared RouterBench files (run `npm run build` first):
//   node test/bench/route-eval.mjs [seed ...]
//   BANDIT_OPTIONS='{"alpha":0.2}' node test/bench/route-eval.mjs 1   # with alloc-bandit options over the defaults
// Per seed: split every file 50/50 (seeded) into warm-up W and held-out T; the
// bandit runs with its default options (spend ≈ 24% of the best-rated model's
// cost, λ paced online), learns on W, and is scored once on T. Nothing is tuned.
// Then, per seed, the same with one task family left out of the warm-up
// entirely, so that family reaches the allocator first in the scored stream;
// and the same allocator on T resampled to other family mixes.
// `ceiling` is an analysis reference that reads eval_name and T's costs (see familyCeiling).
import { singleModelScores, oracleScore, randomScore } from '../../dist/src/route/baselines.js';
import { loadStreams, runOnce, toItems } from '../../dist/src/route/evaluate.js';
import { ReplayHost } from '../../dist/src/route/host.js';
import { shuffled } from '../../dist/src/route/shuffle.js';

const DIR = process.env.ROUTERBENCH_DIR ?? '/work/shared/data/routerbench';
const FILES = ['arc_challenge_train.csv', 'mbpp_train.csv', 'winograde_train.csv'].map((f) => `${DIR}/${f}`);
const GPT4 = 'gpt-4-1106-preview';
const GOAL = { acc: 0.95, cost: 0.25 };
const banditOptions = JSON.parse(process.env.BANDIT_OPTIONS ?? '{}');
const seeds = process.argv.slice(2).map(Number);
if (!seeds.length) seeds.push(1);

const host = await ReplayHost.open();
const cache = new Map();
const items = (rows) => rows.map((row) => { let t = cache.get(row); if (!t) cache.set(row, (t = host.task(row.prompt))); return { task: t, row }; });
const fmt = (s) => `${s.accuracy.toFixed(3)} @ $${s.cost_per_1k.toFixed(3)}/1k`;
const meets = (r) => r.acc_ratio >= GOAL.acc && r.cost_ratio <= GOAL.cost;

// Analysis only, never a router: the best that routing by task family alone can do.
// It knows each T prompt's family (eval_name), each model's mean accuracy per
// family on W, and T's true per-prompt costs, and bisects λ on T itself so that
// spend is ≤ 25% of gpt-4's. Within a family the prompt text barely predicts
// which model is right (measured within-family AUCs ~0.5-0.6), so this is close
// to the ceiling of what these files allow.
function familyCeiling(W, T, models) {
  const gi = models.indexOf(GPT4), mean = {};
  for (const r of W) { const m = (mean[r.family] ??= { n: 0, q: models.map(() => 0) }); m.n++; r.correct.forEach((c, i) => (m.q[i] += c)); }
  const play = (lam) => { let q = 0, c = 0; for (const r of T) { let b = 0, bs = -Infinity; models.forEach((_, i) => { const v = mean[r.family].q[i] / mean[r.family].n - lam * r.cost[i]; if (v > bs) { bs = v; b = i; } }); q += r.correct[b]; c += r.cost[b]; } return { q, c }; };
  const g = T.reduce((a, r) => ({ q: a.q + r.correct[gi], c: a.c + r.cost[gi] }), { q: 0, c: 0 });
  let lo = 0, hi = 1e5;
  for (let k = 0; k < 50; k++) { const mid = (lo + hi) / 2; if (play(mid).c > 0.25 * g.c) lo = mid; else hi = mid; }
  const r = play(hi);
  return { acc_ratio: +(r.q / g.q).toFixed(3), cost_ratio: +(r.c / g.c).toFixed(3) };
}

/** One scored replay with the bandit's default options; ratios against always-gpt-4 on T. */
async function replay(W, T, models, seed) {
  const run = await runOnce({ data: [], allocator: 'bandit', seed, pluginOptions: { 'alloc-bandit': banditOptions } }, { models, warm: W, score: T, skipped: [] }, { warm: items(W), score: items(T) });
  const g = singleModelScores(T, models)[GPT4];
  return { run, g, acc_ratio: +(run.accuracy / g.accuracy).toFixed(4), cost_ratio: +(run.cost_per_1k / g.cost_per_1k).toFixed(4) };
}

/** Scored-prompt counts per family for the mix section (at most what T holds). */
const MIXES = {
  equal: { 'arc-challenge': 150, mbpp: 150, winogrande: 150 },
  'winogrande-heavy': { 'arc-challenge': 100, mbpp: 50, winogrande: 400 },
  'arc-heavy': { 'arc-challenge': 500, mbpp: 50, winogrande: 100 },
  'mbpp-heavy': { 'arc-challenge': 150, mbpp: 150, winogrande: 50 },
};

const summary = [];
const unseen = [];
const mixed = [];
for (const seed of seeds) {
  const t0 = Date.now();
  const s = loadStreams({ data: FILES, holdout: 0.5, seed });
  const { run, g, acc_ratio, cost_ratio } = await replay(s.warm, s.score, s.models, seed);
  const row = { seed, allocator: fmt(run), gpt4: fmt(g), oracle: fmt(oracleScore(s.score)), random: fmt(randomScore(s.score, seed)), acc_ratio, cost_ratio, lambda_final: +run.lambda_final.toFixed(1), ceiling: familyCeiling(s.warm, s.score, s.models), ms: Date.now() - t0 };
  summary.push(row);
  console.log(JSON.stringify(row));
  for (const family of new Set(s.score.map((r) => r.family))) {
    const r = await replay(s.warm.filter((x) => x.family !== family), s.score, s.models, seed);
    const fam = r.run.by_family[family];
    unseen.push({ seed, family, acc_ratio: r.acc_ratio, cost_ratio: r.cost_ratio, family_accuracy: +fam.accuracy.toFixed(3) });
  }
  for (const [mix, counts] of Object.entries(MIXES)) {
    const T = shuffled(Object.entries(counts).flatMap(([f, n]) => s.score.filter((r) => r.family === f).slice(0, n)), seed);
    const r = await replay(s.warm, T, s.models, seed);
    mixed.push({ seed, mix, acc_ratio: r.acc_ratio, cost_ratio: r.cost_ratio });
  }
}
const mean = (rows, k) => (rows.reduce((a, r) => a + r[k], 0) / rows.length).toFixed(3);
console.log(`defaults, warm-up on W, scored on T, mean over ${summary.length} seed(s): accuracy ${mean(summary, 'acc_ratio')} × gpt-4, cost ${mean(summary, 'cost_ratio')} × gpt-4; goal ≥ ${GOAL.acc} at ≤ ${GOAL.cost}; met on ${summary.filter(meets).length}/${summary.length} seeds`);
const ceil = summary.map((r) => r.ceiling);
console.log(`family ceiling (analysis reference, peeks at T's families and costs): accuracy ${mean(ceil, 'acc_ratio')} × gpt-4, cost ${mean(ceil, 'cost_ratio')} × gpt-4`);
for (const family of new Set(unseen.map((u) => u.family))) {
  const rows = unseen.filter((u) => u.family === family);
  console.log(`${family} left out of the warm-up: accuracy ${mean(rows, 'acc_ratio')} × gpt-4, cost ${mean(rows, 'cost_ratio')} × gpt-4 (met on ${rows.filter(meets).length}/${rows.length}); that family's accuracy ${mean(rows, 'family_accuracy')}`);
}
for (const mix of Object.keys(MIXES)) {
  const rows = mixed.filter((m) => m.mix === mix);
  console.log(`mix ${mix}: accuracy ${mean(rows, 'acc_ratio')} × gpt-4, cost ${mean(rows, 'cost_ratio')} × gpt-4 (met on ${rows.filter(meets).length}/${rows.length}; per seed ${rows.map((r) => `${r.acc_ratio.toFixed(3)}@${r.cost_ratio.toFixed(3)}`).join(' ')})`);
}
await host.close();
