import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fnv1a, LlmosError } from '../../src/plugin-api/index.js';
import { dequantize } from './dequantize.js';

/**
 * The code-language model: multinomial logistic regression over hashed
 * codeFeatures, trained by training/train.mjs on registry source packages
 * (training/README.md) and committed as code-model.json, read once (by the
 * plugin's warm-up after start, else at the first use). Each distinct
 * feature hashes (fnv1a, 32 bits) to one of 2^bits buckets and weighs
 * 1/√(number of features), so a long excerpt and a snippet give logits of
 * one scale; logit_c = bias_c + Σ w[bucket][c] / √n.
 */
export interface StoredModel {
  format: 'llmos-code-lr-1';
  classes: string[];
  /** log2 of the number of hash buckets. */
  bits: number;
  /** A stored weight is an int8 times this. */
  scale: number;
  /** Per class; the "prose" class's includes the prior fitted on held-out sources. */
  bias: number[];
  /** base64 of the int8 weights, bucket-major: bucket b, class c at b · classes + c. */
  weights: string;
  /** Divides the logits before the softmax; fitted on held-out sources for calibrated confidences. */
  temperature: number;
}

export interface Model {
  classes: readonly string[];
  temperature: number;
  bias: Float64Array;
  mask: number;
  /** Bucket-major weights, already scaled. */
  weights: Float32Array;
}

export interface Scores {
  classes: readonly string[];
  /** Per class: bias plus the weighted features. */
  logits: number[];
  best: number;
  /** How many distinct features the text has. */
  known: number;
}

export function loadModel(stored: StoredModel): Model {
  if (stored.format !== 'llmos-code-lr-1') throw new LlmosError('LLMOS_EPLUGIN', `profile-basic: code-model.json has format ${String(stored.format)}, not llmos-code-lr-1; rebuild it with plugins/profile-basic/training/train.mjs.`);
  const raw = Buffer.from(stored.weights, 'base64');
  const q = new Int8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  const weights = dequantize(q, 0, stored.scale);
  return { classes: stored.classes, temperature: stored.temperature, bias: Float64Array.from(stored.bias), mask: (1 << stored.bits) - 1, weights };
}

export function scoreModel(m: Model, features: Iterable<string>): Scores {
  const C = m.classes.length;
  const sums = new Float64Array(C);
  let known = 0;
  for (const f of features) {
    const at = (fnv1a(f) & m.mask) * C;
    for (let c = 0; c < C; c++) sums[c] += m.weights[at + c];
    known++;
  }
  const norm = 1 / Math.sqrt(Math.max(1, known));
  const logits = new Array<number>(C);
  let best = 0;
  for (let c = 0; c < C; c++) {
    logits[c] = m.bias[c] + sums[c] * norm;
    if (logits[c] > logits[best]) best = c;
  }
  return { classes: m.classes, logits, best, known };
}

/** Posterior of the best class: softmax of logits / temperature. */
export function posterior(m: Model, s: Scores): number {
  const top = s.logits[s.best];
  let z = 0;
  for (const l of s.logits) z += Math.exp((l - top) / m.temperature);
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
