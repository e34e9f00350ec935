import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerKey, ensembleEval, formatEnsemble, loadAnswers, optionLetters, scoreEnsembleReplay } from '../../../src/route/ensemble.js';
import { routeEval } from '../../../src/route/evaluate.js';
import { loadRouterBench } from '../../../src/route/dataset.js';
import { ReplayHost } from '../../../src/route/host.js';
import type { Allocator } from '../../../src/plugin-api/index.js';
import { quietLogger } from '../../helpers/kernel.js';

const MODELS = ['A', 'B', 'C'];
const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
const py = (s: string) => `['${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}']`;
const mc = (i: number) => `Question ${i}?\nA) left\nB) right\nPrint only a single choice from "A" or "B".\nAnswer:`;

/** Three prompts whose votes are worked out by hand in the tests below. Cost per call: A $1, B $2, C $3. */
const ROWS: Array<{ answers: string[]; correct: number[] }> = [
  { answers: ['A', 'B', 'B\n'], correct: [0, 1, 1] }, // b wins 2:1; its best-ranked member B is correct
  { answers: ['A', 'B', 'I do'], correct: [1, 0, 0] }, // no agreement: rank decides, A (correct)
  { answers: ['B', 'B)', 'A'], correct: [0, 1, 0] }, // b wins via A, recorded wrong; B said b and was right
];

function writeCsv(): string {
  const header = ['', 'sample_id', 'prompt', 'eval_name', ...MODELS, ...MODELS.map((m) => `${m}|model_response`), ...MODELS.map((m) => `${m}|total_cost`), 'oracle_model_to_route_to'];
  const lines = [header.join(',')];
  ROWS.forEach((r, i) => lines.push([i, `s${i}`, q(py(mc(i))), 'mc', ...r.correct.map((c) => c.toFixed(1)), ...r.answers.map((a) => q(py(a))), 1, 2, 3, 'x'].join(',')));
  const file = join(mkdtempSync(join(tmpdir(), 'collab-replay-')), 'votes.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** Always ranks A > B > C. */
const fixedRank: Allocator = { name: 'fixed', choose: () => ({ model: 'A', reason: 'fixed', scores: { A: 3, B: 2, C: 1 } }) };

describe('route-eval --ensemble: majority vote on recorded answers', () => {
  let host: ReplayHost;
  let file: string;
  beforeAll(async () => {
    host = await ReplayHost.open({ logger: quietLogger() });
    file = writeCsv();
  });
  afterAll(() => host.close());

  const run = (k: number, quorum?: number) => {
    const data = loadRouterBench([file]);
    const items = data.rows.map((row) => ({ task: host.task(row.prompt), row }));
    return scoreEnsembleReplay(fixedRank, items, data.models, host, 0, loadAnswers([file], data.models), k, quorum);
  };

  it('reads option letters and answer keys; an answer naming no option is its own key', () => {
    expect([...optionLetters(mc(1))]).toEqual(['a', 'b']);
    expect(answerKey('D\n', new Set(['a', 'd']))).toEqual({ key: 'd', extracted: true });
    expect(answerKey('I do', new Set(['a', 'b'])).extracted).toBe(false);
    const answers = loadAnswers([file], MODELS);
    expect([...answers.values()][0]).toEqual(['A', 'B', 'B\n']);
  });

  it('scores the fused answer by its member\'s recorded correctness, and counts every member\'s cost', async () => {
    const r = await run(3);
    expect(r.accuracy).toBeCloseTo(2 / 3, 12);
    expect(r.accuracy_answer_match).toBe(1);
    expect(r.cost_per_1k).toBeCloseTo(6000, 9);
    expect([r.ties, r.no_agreement, r.unextracted_answers]).toEqual([1, 1, 1]);
    expect(r.choices).toEqual({ A: 3, B: 3, C: 3 });
    expect(r.by_family.mc).toMatchObject({ prompts: 3 });
  });

  it('K = 1 is the allocator\'s own pick; a quorum asks in rank order and stops when it agrees', async () => {
    const one = await run(1);
    expect([one.accuracy, one.cost_per_1k, one.mean_members_asked]).toEqual([1 / 3, 1000, 1]);
    const early = await run(3, 2);
    expect(early.mean_members_asked).toBeCloseTo(8 / 3, 12);
    expect(early.cost_per_1k).toBeCloseTo((1000 * (6 + 6 + 3)) / 3, 9);
    expect(early.accuracy).toBeCloseTo(2 / 3, 12);
  });

  it('ensembleEval keeps the plain report\'s JSON shape and adds the comparisons', async () => {
    const o = { data: [file], allocator: 'bandit', seed: 3, logger: quietLogger() };
    const { items: _i, streams: _s, ...plain } = await routeEval(o);
    const { items, streams, ...ens } = await ensembleEval({ ...o, ensemble: 3 });
    expect(Object.keys(ens).filter((k) => k !== 'ensemble').sort()).toEqual(Object.keys(plain).sort());
    expect(ens.baselines).toEqual(plain.baselines);
    expect(ens.ensemble.allocator_alone).toEqual({ accuracy: plain.accuracy, cost_per_1k: plain.cost_per_1k });
    expect(ens.ensemble.best_single).toMatchObject({ model: 'B', accuracy: 2 / 3 });
    expect(ens.ensemble.fixed_best_k.models).toHaveLength(3);
    expect(ens.cost_per_1k).toBeCloseTo(6000, 9); // K = 3 of 3 models: every call, every prompt
    expect(ens.accuracy).toBeLessThanOrEqual(ens.ensemble.accuracy_answer_match); // strict ≤ lenient, whatever the bandit's ranking
    expect(ens.ensemble.accuracy_answer_match).toBeGreaterThanOrEqual(2 / 3); // rows 1 and 3 vote b, which B answered correctly
    expect(formatEnsemble(ens)).toContain('ensemble of 3');
    await expect(ensembleEval({ ...o, ensemble: 2, quorum: 3 })).rejects.toThrow(/--quorum/);
  });
});
