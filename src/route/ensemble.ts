import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Allocator } from '../core/allocator.js';
import { extractAnswer, majorityVote, rankByAllocation } from '../plugin-api/fusion.js';
import { parseCsv } from './csv.js';
import { routeEval, type RouteEvalOptions, type RouteEvalReport, type Streams } from './evaluate.js';
import { ReplayHost, replayCandidates } from './host.js';
import { decodePythonStringList } from './pylist.js';
import { warmUp, type ReplayItem } from './replay.js';
import type { ReplayRun, Score } from './tally.js';
import { ScoreTally } from './tally.js';

/**
 * `route-eval --ensemble K`: replays majority-vote fusion (collab_ensemble
 * with fusion "vote") on RouterBench-format CSVs.
 *
 * Method, per scored prompt:
 * 1. The allocator is asked once, as collab_ensemble asks it; its choice and
 *    scores rank every model (rankByAllocation) and the top K are the members.
 * 2. Each member's recorded answer (`<model>|model_response`) is reduced to a
 *    vote key by the same extractAnswer collab uses; when the prompt lists
 *    options ("A) …") the key is the option letter, and an answer naming no
 *    listed option keeps its own text as key (it can only win alone).
 * 3. Majority vote; ties go to the better-ranked member. The fused answer is
 *    the text of the best-ranked member in the winning group, exactly as
 *    collab_ensemble returns it, so its correctness is that member's
 *    RECORDED correctness (`accuracy`: no assumption). `accuracy_answer_match`
 *    is the lenient reading: correct when the winning key equals the key of
 *    any model recorded correct on that prompt.
 * 4. Cost is the sum of the members' recorded costs (every member ran). With
 *    `quorum` q, members are asked one by one in rank order and asking stops
 *    once q agree — the sequential form of collab_ensemble's early stop —
 *    so only the asked members cost.
 * 5. The allocator gets each asked member's outcome as feedback, as the
 *    kernel gives it on each child's exit.
 * Free-form answers (MBPP code) rarely share a key, so there the vote falls
 * back to the top-ranked member: the ensemble costs K× and gains nothing.
 */

export interface EnsembleOptions extends RouteEvalOptions {
  /** Members per prompt (capped at the number of models: recorded answers are deterministic). */
  ensemble: number;
  /** Ask in rank order and stop once this many agree. */
  quorum?: number;
}

export interface EnsembleStats {
  k: number;
  quorum: number | null;
  /** The plain replay of the same allocator on the same stream: one model per prompt. */
  allocator_alone: Score;
  /** The single model with the best accuracy on the scored prompts. */
  best_single: Score & { model: string };
  /**
   * Hindsight reference: majority vote of the K models with the best accuracy
   * on the scored prompts, fixed for every prompt (no allocator).
   */
  fixed_best_k: Score & { models: string[] };
  /** Lenient scoring (see the module comment). */
  accuracy_answer_match: number;
  /** Votes decided by the rank tie-break. */
  ties: number;
  /** Prompts where no two members agreed. */
  no_agreement: number;
  /** Member answers with no extractable final answer. */
  unextracted_answers: number;
  /** Members asked per prompt, on average (K without quorum). */
  mean_members_asked: number;
  by_family_alone: ReplayRun['by_family'];
}

export type EnsembleReport = RouteEvalReport & { ensemble: EnsembleStats };

/** Per `${file basename}:${line}`, every model's recorded answer text ('' when the column is absent). */
export type AnswerIndex = Map<string, string[]>;

export function loadAnswers(files: readonly string[], models: readonly string[], read: (f: string) => string = (f) => readFileSync(f, 'utf8')): AnswerIndex {
  const out: AnswerIndex = new Map();
  for (const file of files) {
    const it = parseCsv(read(file));
    const header = it.next();
    if (header.done) continue;
    const col = new Map(header.value.fields.map((h, i) => [h, i]));
    const cols = models.map((m) => col.get(`${m}|model_response`));
    const name = basename(file);
    for (const rec of it) {
      if (rec.error) continue;
      out.set(`${name}:${rec.line}`, cols.map((c) => (c === undefined ? '' : (decodePythonStringList(rec.fields[c] ?? '') ?? rec.fields[c] ?? ''))));
    }
  }
  return out;
}

/** Option letters a prompt offers ("A) …" at a line start), lower case. */
export function optionLetters(prompt: string): Set<string> {
  return new Set([...prompt.matchAll(/^\s*\(?([A-J])[).]\s/gm)].map((m) => m[1].toLowerCase()));
}

/** The vote key of one recorded answer; `extracted` is false when it names no listed option. */
export function answerKey(text: string, options: Set<string>): { key: string; extracted: boolean } {
  if (!options.size) return { key: extractAnswer(text), extracted: true };
  const k = extractAnswer(text, 'choice');
  return options.has(k) ? { key: k, extracted: true } : { key: `unextracted:${k}`, extracted: false };
}

/** Scored ensemble replay; same fields as scoreReplay's run, plus vote statistics. */
export async function scoreEnsembleReplay(
  alloc: Allocator,
  items: readonly ReplayItem[],
  models: string[],
  host: ReplayHost,
  lambda: number,
  answers: AnswerIndex,
  k: number,
  quorum?: number,
): Promise<ReplayRun & Omit<EnsembleStats, 'k' | 'quorum' | 'allocator_alone' | 'best_single' | 'fixed_best_k' | 'by_family_alone'>> {
  const candidates = replayCandidates(models);
  const K = Math.min(k, models.length);
  const tally = new ScoreTally(models, items.length, lambda);
  let lenient = 0, ties = 0, none = 0, unextracted = 0, asked = 0;
  for (const { task, row } of items) {
    const texts = answers.get(`${row.file}:${row.line}`);
    if (!texts) throw new Error(`no recorded answers for ${row.file}:${row.line}; pass the same --data files to the ensemble replay.`);
    const p = host.kernel.procs.alloc(task, 'route-eval');
    const a = await alloc.choose(task, candidates, { now: Date.now(), proc: p });
    p.allocation = a;
    const members = rankByAllocation(models, a).slice(0, K).map((m) => models.indexOf(m));
    const options = optionLetters(row.prompt);
    const keys: string[] = [];
    for (const i of members) {
      const { key, extracted } = answerKey(texts[i], options);
      keys.push(key);
      if (!extracted) unextracted++;
      if (quorum !== undefined && majorityVote(keys).votes[0].count >= quorum) break;
    }
    const askedIdx = members.slice(0, keys.length);
    const v = majorityVote(keys);
    const rep = askedIdx[v.winnerIndex];
    if (v.tie) ties++;
    if (v.votes[0].count === 1 && keys.length > 1) none++;
    const quality = row.correct[rep];
    const cost = askedIdx.reduce((s, i) => s + row.cost[i], 0);
    const allKeys = models.map((_, i) => answerKey(texts[i], options).key);
    lenient += allKeys.some((key, i) => key === v.winner && row.correct[i] >= 1) ? 1 : 0;
    for (const i of askedIdx) {
      tally.chose(models[i]);
      alloc.feedback?.({ pid: p.pid, task, model: models[i], ok: true, reward: row.correct[i], latency_ms: 0, cost_usd: row.cost[i], completion_tokens: Math.ceil(row.answerChars[i] / 4) });
    }
    host.kernel.procs.exit(p, 'ok');
    asked += askedIdx.length;
    tally.add(row, quality, cost);
  }
  const n = Math.max(1, items.length);
  return {
    ...tally.result(),
    accuracy_answer_match: lenient / n,
    ties,
    no_agreement: none,
    unextracted_answers: unextracted,
    mean_members_asked: asked / n,
  };
}

/** Options per plugin as evaluate.ts builds them (seeded bandit, λ for bandit and perf). */
function hostOptions(o: RouteEvalOptions): Record<string, Record<string, unknown>> {
  const p = { ...o.pluginOptions };
  p['alloc-bandit'] = { seed: o.seed ?? 1, ...(o.lambda !== undefined ? { lambda: o.lambda } : {}), ...p['alloc-bandit'] };
  if (o.lambda !== undefined) p['alloc-perf'] = { lambda: o.lambda, ...p['alloc-perf'] };
  return p;
}

/**
 * The whole `route-eval --ensemble K` run: the plain replay (for baselines,
 * the allocator alone and the shared streams), then the ensemble replay of
 * the same allocator, freshly warmed up the same way, on the same stream.
 * The report has the plain report's shape, with accuracy, cost, choices,
 * regret and by_family describing the ensemble, plus `ensemble`.
 */
export async function ensembleEval(o: EnsembleOptions): Promise<EnsembleReport & { items: { warm: ReplayItem[]; score: ReplayItem[] }; streams: Streams }> {
  if (!Number.isInteger(o.ensemble) || o.ensemble < 1) throw new Error('--ensemble must be a whole number of models, 1 or more.');
  if (o.quorum !== undefined && (!Number.isInteger(o.quorum) || o.quorum < 1 || o.quorum > o.ensemble)) throw new Error('--quorum must be a whole number between 1 and --ensemble.');
  const plain = await routeEval(o);
  const answers = loadAnswers(o.data, plain.streams.models);
  const host = await ReplayHost.open({ config: o.config, pluginOptions: hostOptions(o), logger: o.logger });
  const byAccuracy = Object.entries(plain.baselines).sort((x, y) => y[1].accuracy - x[1].accuracy || x[1].cost_per_1k - y[1].cost_per_1k);
  const [bestModel, bestScore] = byAccuracy[0];
  const fixedModels = byAccuracy.slice(0, o.ensemble).map(([m]) => m);
  const fixed: Allocator = { name: 'fixed-best-k', choose: () => ({ model: fixedModels[0], reason: 'hindsight', scores: Object.fromEntries(byAccuracy.map(([m, sc]) => [m, sc.accuracy])) }) };
  let run: Awaited<ReturnType<typeof scoreEnsembleReplay>>;
  let fixedRun: Awaited<ReturnType<typeof scoreEnsembleReplay>>;
  try {
    const alloc = host.allocator(o.allocator ?? 'bandit');
    await warmUp(alloc, plain.items.warm, plain.streams.models, host, o.warmupFeedback ?? 'all');
    run = await scoreEnsembleReplay(alloc, plain.items.score, plain.streams.models, host, plain.lambda ?? 0, answers, o.ensemble, o.quorum);
    fixedRun = await scoreEnsembleReplay(fixed, plain.items.score, plain.streams.models, host, plain.lambda ?? 0, answers, o.ensemble, o.quorum);
  } finally {
    await host.close();
  }
  const { accuracy_answer_match, ties, no_agreement, unextracted_answers, mean_members_asked, ...shape } = run;
  return {
    ...plain,
    ...shape,
    ensemble: {
      k: Math.min(o.ensemble, plain.streams.models.length),
      quorum: o.quorum ?? null,
      allocator_alone: { accuracy: plain.accuracy, cost_per_1k: plain.cost_per_1k },
      best_single: { model: bestModel, ...bestScore },
      fixed_best_k: { models: fixedModels, accuracy: fixedRun.accuracy, cost_per_1k: fixedRun.cost_per_1k },
      accuracy_answer_match,
      ties,
      no_agreement,
      unextracted_answers,
      mean_members_asked,
      by_family_alone: plain.by_family,
    },
  };
}

/** Lines to append to formatReport's table for an ensemble run. */
export function formatEnsemble(r: EnsembleReport): string {
  const e = r.ensemble;
  const row = (name: string, s: Score) => `${name.padEnd(40)} ${s.accuracy.toFixed(3).padStart(8)} ${`$${s.cost_per_1k.toFixed(3)}`.padStart(10)}`;
  return [
    '',
    `ensemble: top ${e.k} of ${r.allocator} by its scores, majority vote${e.quorum ? `, asking in rank order until ${e.quorum} agree` : ''} (${e.mean_members_asked.toFixed(2)} members asked per prompt)`,
    row(`ensemble of ${e.k} (recorded correctness)`, r),
    row(`ensemble of ${e.k}, lenient scoring`, { accuracy: e.accuracy_answer_match, cost_per_1k: r.cost_per_1k }),
    row(`allocator ${r.allocator} alone`, e.allocator_alone),
    row(`best single: ${e.best_single.model}`.slice(0, 40), e.best_single),
    row(`vote of the ${e.k} best (hindsight)`, e.fixed_best_k),
    `  (${e.fixed_best_k.models.join(', ')})`,
    `votes: ${e.ties} ties (rank decides), ${e.no_agreement} prompts without agreement, ${e.unextracted_answers} member answers named no listed option`,
  ].join('\n');
}
