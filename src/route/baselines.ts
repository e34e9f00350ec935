import type { OutcomeRow } from './dataset.js';
import type { Score } from './tally.js';
import { Rng } from '../plugin-api/rng.js';

const score = (q: number, c: number, n: number): Score => ({ accuracy: n ? q / n : 0, cost_per_1k: n ? (1000 * c) / n : 0 });

/** Always-this-model, for every model, keyed by the CSV header's model names. */
export function singleModelScores(rows: readonly OutcomeRow[], models: string[]): Record<string, Score> {
  return Object.fromEntries(
    models.map((m, i) => {
      let q = 0;
      let c = 0;
      for (const r of rows) {
        q += r.correct[i];
        c += r.cost[i];
      }
      return [m, score(q, c, rows.length)];
    }),
  );
}

/** The cheapest correct model per prompt; the cheapest model when none is correct. */
export function oracleScore(rows: readonly OutcomeRow[]): Score {
  let q = 0;
  let c = 0;
  for (const r of rows) {
    let pick = -1;
    for (let i = 0; i < r.cost.length; i++) if (r.correct[i] >= 1 && (pick < 0 || r.cost[i] < r.cost[pick])) pick = i;
    if (pick < 0) pick = r.cost.indexOf(Math.min(...r.cost));
    q += r.correct[pick];
    c += r.cost[pick];
  }
  return score(q, c, rows.length);
}

/** A uniformly random model per prompt, seeded. */
export function randomScore(rows: readonly OutcomeRow[], seed: number): Score {
  const rng = new Rng(seed ^ 0x5eed);
  const rnd = () => rng.next();
  let q = 0;
  let c = 0;
  for (const r of rows) {
    const i = Math.floor(rnd() * r.cost.length);
    q += r.correct[i];
    c += r.cost[i];
  }
  return score(q, c, rows.length);
}
