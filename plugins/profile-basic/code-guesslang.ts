import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fingerprint64 } from 'farmhash-modern';
import { LlmosError } from '../../src/plugin-api/index.js';
import { dequantize } from './dequantize.js';

/**
 * Guesslang's model (github.com/yoeo/guesslang, MIT), as VS Code ships it in
 * @vscode/vscode-languagedetection: 54 languages from GitHub repositories,
 * a second opinion beside code-model.ts's, which was trained on registry
 * packages. Only the package's model files are read; its TensorFlow.js
 * runtime is not loaded (asynchronous, ~16 ms a 40-line excerpt). The graph
 * is small enough to run here, synchronously, in ~0.2 ms:
 *  - features: every pair of adjacent UTF-8 bytes as the 3-byte string
 *    "a b" (TensorFlow's StringNGrams, width 2, separator " "), at most
 *    MAX_PAIRS, hashed by FarmHash's Fingerprint64 into one of 5000 buckets
 *    (StringToHashBucketFast);
 *  - logits: a linear part (the sum of each pair's bucket row) plus a DNN
 *    (the mean of the pairs' 70-wide embeddings → 512 → 32, ReLU → 54);
 *  - the stored weights are uint8-quantized (value = min + q · scale).
 * guesslangProbs() is checked against the package's own TensorFlow.js run
 * in test/unit/alloc/code-guesslang.test.ts.
 */
const MODEL_FILES = ['model.json', 'group1-shard1of1.bin'] as const;
const BUCKETS = 5000;
const EMBED = 70;
/** The graph pads or cuts the pair list to this length. */
const MAX_PAIRS = 10_000;

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; min: number; scale: number };
}

export interface Guesslang {
  /** Its language ids ("py", "cpp", "sh"…), in the order of its logits. */
  labels: readonly string[];
  linear: Float32Array;
  linearBias: Float32Array;
  embedding: Float32Array;
  hidden: readonly { kernel: Float32Array; bias: Float32Array; width: number }[];
}

/** Every tensor of the weights file by name: strings decoded, quantized floats expanded; int32 graph constants skipped. */
function readWeights(specs: readonly WeightSpec[], bin: Buffer): Map<string, Float32Array | string[]> {
  const out = new Map<string, Float32Array | string[]>();
  let at = 0;
  for (const w of specs) {
    const n = w.shape.reduce((a, b) => a * b, 1);
    if (w.dtype === 'string') {
      const strings: string[] = [];
      for (let i = 0; i < n; i++) {
        const len = bin.readUInt32LE(at);
        strings.push(bin.toString('utf8', at + 4, at + 4 + len));
        at += 4 + len;
      }
      out.set(w.name, strings);
    } else if (w.quantization?.dtype === 'uint8') {
      const { min, scale } = w.quantization;
      out.set(w.name, dequantize(bin.subarray(at, at + n), min, scale));
      at += n;
    } else at += 4 * n;
  }
  if (at !== bin.length) throw new Error(`weights file is ${bin.length} bytes, the manifest describes ${at}`);
  return out;
}

/** Loads the model from the installed package; a missing or changed package is LLMOS_EPLUGIN, naming the fix. */
export function loadGuesslang(): Guesslang {
  try {
    const dir = join(dirname(createRequire(import.meta.url).resolve('@vscode/vscode-languagedetection/package.json')), 'model');
    const [json, bin] = MODEL_FILES.map((f) => readFileSync(join(dir, f)));
    const manifest = JSON.parse(json.toString('utf8')) as { weightsManifest: { weights: WeightSpec[] }[] };
    const w = readWeights(manifest.weightsManifest[0].weights, bin);
    const floats = (name: string) => {
      const t = w.get(name);
      if (!(t instanceof Float32Array)) throw new Error(`tensor ${name} is missing`);
      return t;
    };
    const labels = w.get('head/ExpandDims/input');
    if (!Array.isArray(labels)) throw new Error('the label tensor is missing');
    const layer = (name: string, width: number) => ({ kernel: floats(`dnn/${name}/kernel`), bias: floats(`dnn/${name}/bias`), width });
    return {
      labels,
      linear: floats('linear/linear_model/content/weights'),
      linearBias: floats('linear/linear_model/bias_weights'),
      embedding: floats('dnn/input_from_feature_columns/input_layer/content_embedding/embedding_weights'),
      hidden: [layer('hiddenlayer_0', 512), layer('hiddenlayer_1', 32), layer('logits', labels.length)],
    };
  } catch (err) {
    throw new LlmosError('LLMOS_EPLUGIN', `profile-basic: cannot read guesslang's model from @vscode/vscode-languagedetection 1.0.23 (${(err as Error).message}); reinstall LLMOS's dependencies (npm ci).`);
  }
}

/** Bucket of each byte pair, filled on first sight (Fingerprint64 is the costly step; there are 65,536 pairs). */
const bucketOfPair = new Int16Array(1 << 16).fill(-1);
const pairText = Buffer.from('a b');
function bucketOf(a: number, b: number): number {
  const key = (a << 8) | b;
  let bucket = bucketOfPair[key];
  if (bucket < 0) {
    pairText[0] = a;
    pairText[2] = b;
    bucket = bucketOfPair[key] = Number(fingerprint64(pairText) % BigInt(BUCKETS));
  }
  return bucket;
}

/** Dense layer with ReLU (none on the last): out = max(0, in · kernel + bias). */
function dense(input: Float64Array, kernel: Float32Array, bias: Float32Array, width: number, relu: boolean): Float64Array {
  const out = Float64Array.from(bias);
  for (let i = 0; i < input.length; i++) {
    const x = input[i];
    if (x === 0) continue;
    const row = i * width;
    for (let k = 0; k < width; k++) out[k] += x * kernel[row + k];
  }
  if (relu) for (let k = 0; k < width; k++) if (out[k] < 0) out[k] = 0;
  return out;
}

/** Guesslang's probability of each of its languages for `code`; undefined for fewer than two bytes. */
export function guesslangProbs(m: Guesslang, code: string): Float64Array | undefined {
  const bytes = Buffer.from(code, 'utf8');
  const pairs = Math.min(bytes.length - 1, MAX_PAIRS);
  if (pairs < 1) return undefined;
  const counts = new Uint16Array(BUCKETS);
  for (let i = 0; i < pairs; i++) counts[bucketOf(bytes[i], bytes[i + 1])]++;
  const C = m.labels.length;
  const linear = Float64Array.from(m.linearBias);
  const embedded = new Float64Array(EMBED);
  for (let b = 0; b < BUCKETS; b++) {
    const n = counts[b];
    if (!n) continue;
    for (let c = 0; c < C; c++) linear[c] += n * m.linear[b * C + c];
    for (let e = 0; e < EMBED; e++) embedded[e] += n * m.embedding[b * EMBED + e];
  }
  for (let e = 0; e < EMBED; e++) embedded[e] /= pairs;
  let x: Float64Array = embedded;
  for (const [i, l] of m.hidden.entries()) x = dense(x, l.kernel, l.bias, l.width, i < m.hidden.length - 1);
  let top = -Infinity;
  for (let c = 0; c < C; c++) top = Math.max(top, (linear[c] += x[c]));
  let z = 0;
  for (let c = 0; c < C; c++) z += linear[c] = Math.exp(linear[c] - top);
  for (let c = 0; c < C; c++) linear[c] /= z;
  return linear;
}

/** Guesslang's id for each class of the code-language model ("md" standing for prose). */
const IDS: Readonly<Record<string, string>> = {
  python: 'py', javascript: 'js', typescript: 'ts', java: 'java', cpp: 'cpp', c: 'c', csharp: 'cs', go: 'go', rust: 'rs', ruby: 'rb', php: 'php', swift: 'swift',
  kotlin: 'kt', scala: 'scala', haskell: 'hs', sql: 'sql', bash: 'sh', r: 'r', perl: 'pm', lua: 'lua', html: 'html', css: 'css', prose: 'md',
};
/** Added to guesslang's probabilities before the log: a class it rules out is weakened, not vetoed. */
const FLOOR = 1e-3;

/**
 * Guesslang's opinion of `code` over the code-language model's `classes`:
 * log(p + FLOOR) per class, its probability of the class's language (0 for
 * a class it does not know); undefined for fewer than two bytes. The
 * detector (code-content.ts) and the fit of its weight
 * (training/fit-second-opinion.mjs) both read it from here.
 */
export function guesslangOpinion(classes: readonly string[], code: string, m: Guesslang = guesslang()): Float64Array | undefined {
  const probs = guesslangProbs(m, code);
  if (!probs) return undefined;
  return Float64Array.from(classes, (c) => Math.log((probs[m.labels.indexOf(IDS[c])] ?? 0) + FLOOR));
}

let installed: Guesslang | undefined;
/** The installed package's model, loaded once (by the plugin's warm-up, else at the first use). */
export function guesslang(): Guesslang {
  return (installed ??= loadGuesslang());
}
