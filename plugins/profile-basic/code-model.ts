import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LlmosError } from '../../src/plugin-api/index.js';

/**
 * The code-language model: binarized multinomial naive Bayes over
 * codeFeatures, trained by training/train.mjs on registry source packages
 * (training/README.md) and committed as code-model.json, read once (by the
 * plugin's warm-up after start, else at the first use). P(f | c) = (n_fc + alpha) / (totals_c + alpha * V); a feature absent
 * from the vocabulary is ignored.
 */
export interface StoredModel {
  format: 'llmos-code-nb-1';
  classes: string[];
  alpha: number;
  /**
   * With √(known features), divides the log-likelihood gaps before the
   * softmax (naive Bayes' gaps grow with the evidence it double-counts);
   * fitted on held-out files for calibrated confidences.
   */
  temperature: number;
  totals: number[];
  /** Log prior per class; uniform over languages, lower for "prose" (fitted on held-out files: abstain only on clear prose). */
  logPrior: number[];
  /** Feature → [classIndex, count, classIndex, count, …] for the classes it was seen in. */
  features: Record<string, number[]>;
}

export interface Model {
  classes: readonly string[];
  temperature: number;
  logPrior: readonly number[];
  /** log P(f | c) of a vocabulary feature never seen in class c. */
  unseen: Float64Array;
  /** Feature → sparse (class, log P(f|c) − unseen[c]) pairs. */
  lift: Map<string, Float64Array>;
}

export interface Scores {
  classes: readonly string[];
  /** Per class: log prior plus log-likelihood of the features. */
  logits: number[];
  best: number;
  /** How many features were in the vocabulary. */
  known: number;
}

export function loadModel(stored: StoredModel): Model {
  const V = Object.keys(stored.features).length;
  const denom = stored.totals.map((t) => Math.log(t + stored.alpha * V));
  const unseen = Float64Array.from(denom, (d) => Math.log(stored.alpha) - d);
  const lift = new Map<string, Float64Array>();
  for (const [f, sparse] of Object.entries(stored.features)) {
    const row = new Float64Array(sparse.length);
    for (let i = 0; i < sparse.length; i += 2) {
      const c = sparse[i];
      row[i] = c;
      row[i + 1] = Math.log(sparse[i + 1] + stored.alpha) - denom[c] - unseen[c];
    }
    lift.set(f, row);
  }
  return { classes: stored.classes, temperature: stored.temperature, logPrior: stored.logPrior, unseen, lift };
}

export function scoreModel(m: Model, features: Iterable<string>): Scores {
  const logits = new Array<number>(m.classes.length).fill(0);
  let known = 0;
  for (const f of features) {
    const row = m.lift.get(f);
    if (!row) continue;
    known++;
    for (let i = 0; i < row.length; i += 2) logits[row[i]] += row[i + 1];
  }
  let best = 0;
  for (let c = 0; c < logits.length; c++) {
    logits[c] += known * m.unseen[c] + m.logPrior[c];
    if (logits[c] > logits[best]) best = c;
  }
  return { classes: m.classes, logits, best, known };
}

/** Posterior of the best class: softmax of logits / (temperature · √known). */
export function posterior(m: Model, s: Scores): number {
  const top = s.logits[s.best];
  const t = m.temperature * Math.sqrt(Math.max(1, s.known));
  let z = 0;
  for (const l of s.logits) z += Math.exp((l - top) / t);
  return 1 / z;
}

let committed: Model | undefined;
/** The committed model (code-model.json beside the source, found from src or dist), loaded once. */
export function codeModel(): Model {
  if (committed) return committed;
  const here = fileURLToPath(new URL('.', import.meta.url));
  const file = [join(here, 'code-model.json'), join(here, '..', '..', '..', 'plugins', 'profile-basic', 'code-model.json')].find((p) => existsSync(p));
  if (!file) throw new LlmosError('LLMOS_EPLUGIN', `profile-basic: code-model.json not found beside ${here}; reinstall LLMOS or rebuild it with plugins/profile-basic/training/train.mjs.`);
  committed = loadModel(JSON.parse(readFileSync(file, 'utf8')) as StoredModel);
  return committed;
}
