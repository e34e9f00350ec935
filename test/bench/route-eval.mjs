// Route-eval benchmark on the shared RouterBench files (run `npm run build` first):
//   node test/bench/route-eval.mjs [seed ...]
// Per seed: split every file 50/50 (seeded) into warm-up W and held-out T.
// Tune on W only: split W again into W1 (learn) / W2 (validate); pick λ and a
// spend target among a small grid by the best W2 accuracy at ≤ 25% of
// gpt-4's W2 cost. Then learn on all of W and score once on T.
// `ceiling` is an analysis reference that reads eval_name and T's costs (see familyCeiling).
import { singleModelScores, oracleScore, randomScore } from '../../dist/src/route/baselines.js';
import { loadStreams, runOnce, toItems } from '../../dist/src/route/evaluate.js';
import { ReplayHost } from '../../dist/src/route/host.js';
import { splitPerFile, shuffled } from '../../dist/src/route/shuffle.js';

const DIR = process.env.ROUTERBENCH_DIR ?? '/work/shared/data/routerbench';
const FILES = ['arc_challenge_train.csv', 'mbpp_train.csv', 'winograde_train.csv'].map((f) => `${DIR}/${f}`);
const GPT4 = 'gpt-4-1106-preview';
const seeds = process.argv.slice(2).map(Number);
if (!seeds.length) seeds.push(1);

const host = await ReplayHost.open();
const cache = new Map();
const items = (rows) => rows.map((row) => { let t = cache.get(row); if (!t) cache.set(row, (t = host.task(row.prompt))); return { task: t, row }; });
const fmt = (s) => `${s.accuracy.toFixed(3)} @ $${s.cost_per_1k.toFixed(3)}/1k`;

// The grid tuned on W: fixed λ, or λ paced to a spend target (a share of gpt-4's cost on W).
const GRID = [
  ...[20, 30, 33, 35, 37, 40].map((lambda) => ({ name: `λ ${lambda}`, lambda, bandit: {} })),
  ...[0.18, 0.2, 0.22, 0.24].map((share) => ({ name: `paced ${share}×gpt-4`, lambda: 30, share })),
];

// Analysis only, never a router: a reference for routing that cannot predict
// correctness within a task family (measured within-family AUCs are ~0.5-0.6). It knows each T prompt's family (eval_name),
// each model's mean accuracy per family on W, and T's true per-prompt costs, and
// bisects λ on T itself so spend is ≤ 25% of gpt-4's.
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

async function run(cfg, warm, score, models, seed, gpt4CostPer1k) {
  const bandit = { words: 0, alpha: 0, ...(cfg.share ? { budget_per_1k: cfg.share * gpt4CostPer1k } : {}) };
  const o = { data: [], allocator: 'bandit', seed, lambda: cfg.lambda, pluginOptions: { 'alloc-bandit': bandit } };
  const s = { models, warm, score, skipped: [] };
  return runOnce(o, s, { warm: items(warm), score: items(score) });
}

const summary = [];
for (const seed of seeds) {
  const t0 = Date.now();
  const s = loadStreams({ data: FILES, holdout: 0.5, seed });
  const W = s.warm, T = s.score, models = s.models;
  const inner = splitPerFile(W, 0.5, seed + 100);
  const W1 = shuffled(inner.rest, seed + 1), W2 = shuffled(inner.holdout, seed);
  const g2 = singleModelScores(W2, models)[GPT4];
  const gW = singleModelScores(W, models)[GPT4];
  let best;
  for (const cfg of GRID) {
    const r = await run(cfg, W1, W2, models, seed, singleModelScores(W1, models)[GPT4].cost_per_1k);
    const ok = r.cost_per_1k <= 0.25 * g2.cost_per_1k;
    if (ok && (!best || r.accuracy > best.r.accuracy)) best = { cfg, r };
  }
  if (!best) throw new Error('no configuration met the cost bound on W2');
  const final = await run(best.cfg, W, T, models, seed, gW.cost_per_1k);
  const g = singleModelScores(T, models)[GPT4];
  const row = { seed, chosen: best.cfg.name, budget_per_1k: best.cfg.share ? +(best.cfg.share * gW.cost_per_1k).toFixed(4) : null, tune: fmt(best.r), allocator: fmt(final), gpt4: fmt(g), oracle: fmt(oracleScore(T)), random: fmt(randomScore(T, seed)), acc_ratio: +(final.accuracy / g.accuracy).toFixed(3), cost_ratio: +(final.cost_per_1k / g.cost_per_1k).toFixed(3), ceiling: familyCeiling(W, T, models), ms: Date.now() - t0 };
  summary.push(row);
  console.log(JSON.stringify(row));
}
const mean = (k) => (summary.reduce((a, r) => a + r[k], 0) / summary.length).toFixed(3);
console.log(`mean over ${summary.length} seed(s): accuracy ${mean('acc_ratio')} × gpt-4, cost ${mean('cost_ratio')} × gpt-4; goal ≥ 0.95 at ≤ 0.25; met on ${summary.filter((r) => r.acc_ratio >= 0.95 && r.cost_ratio <= 0.25).length}/${summary.length} seeds`);
const meanC = (k) => (summary.reduce((a, r) => a + r.ceiling[k], 0) / summary.length).toFixed(3);
console.log(`family ceiling (analysis reference, peeks at T's families and costs): accuracy ${meanC('acc_ratio')} × gpt-4, cost ${meanC('cost_ratio')} × gpt-4`);
await host.close();
