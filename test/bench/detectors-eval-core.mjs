/**
 * Scores profile-basic's detectors on the evaluation sets in
 * test/fixtures/eval: accuracy (an abstention counts as wrong), abstentions,
 * accuracy on the items answered, and the confusion matrix (gold → predicted,
 * "—" for an abstention). Pure given the detectors; used by
 * detectors-eval.mjs (the report) and the validation test (the goals).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The committed sets; LLMOS_EVAL_DIR points at sets drawn with another seed (see test/fixtures/eval/build-common.mjs). */
export const EVAL_DIR = process.env.LLMOS_EVAL_DIR ?? join(ROOT, 'test', 'fixtures', 'eval');
export const ABSTAIN = '—';

/** Each set: its file, the detector export it scores, and the goal from issue #22. */
export const SETS = [
  { name: 'target-language', file: 'target-language.jsonl', detector: 'detectTargetLanguage', legacy: 'targetLanguage', goal: 0.95 },
  { name: 'code-language', file: 'code-language.jsonl', detector: 'detectCodeLanguage', legacy: 'codeLanguage', goal: 0.9 },
  { name: 'intent', file: 'intent.jsonl', detector: 'detectIntent', legacy: undefined, goal: 0.9 },
];

/** The items of a set: one JSON object a line with at least id, text and label. */
export function loadSet(file) {
  return readFileSync(join(EVAL_DIR, file), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}

/**
 * The detector a set scores, from the built plugin module: its
 * `detect…` export ({value, confidence} | undefined) or, on a tree that has
 * only the older string-returning function, that function read as
 * confidence 1. Undefined when the module has neither.
 */
export function pickDetector(mod, set) {
  if (typeof mod[set.detector] === 'function') return { fn: mod[set.detector], via: set.detector };
  const legacy = set.legacy && mod[set.legacy];
  if (typeof legacy !== 'function') return undefined;
  return { fn: (text) => { const v = legacy(text); return v ? { value: v, confidence: 1 } : undefined; }, via: `${set.legacy} (adapter)` };
}

/** The built profile-basic module (npm run build first). */
export async function loadDetectorModule() {
  return import(join(ROOT, 'dist', 'plugins', 'profile-basic', 'index.js'));
}

/**
 * Scores `detect` on `items`. A detection below `minConfidence` counts as an
 * abstention, as a rule with that minimum would see it.
 */
export function score(items, detect, minConfidence = 0) {
  const confusion = {};
  let correct = 0;
  let abstained = 0;
  let domainSeen = 0;
  let domainRight = 0;
  for (const it of items) {
    const d = detect(it.text);
    const got = d && d.confidence >= minConfidence ? d.value : ABSTAIN;
    if (got === ABSTAIN) abstained++;
    if (got === it.label) correct++;
    const row = (confusion[it.label] ??= {});
    row[got] = (row[got] ?? 0) + 1;
    if (it.domain && got === it.label) {
      domainSeen++;
      if (d.domain === it.domain) domainRight++;
    }
  }
  const n = items.length;
  const answered = n - abstained;
  return { n, correct, accuracy: n ? correct / n : 0, abstained, answeredAccuracy: answered ? correct / answered : 0, confusion, domain: { seen: domainSeen, right: domainRight } };
}

/** The confusion matrix as compact lines: "gold n=… ok=… | →pred:count …", rows by gold label. */
export function confusionLines(confusion) {
  return Object.keys(confusion).sort().map((gold) => {
    const row = confusion[gold];
    const n = Object.values(row).reduce((a, b) => a + b, 0);
    const misses = Object.entries(row).filter(([p]) => p !== gold).sort((a, b) => b[1] - a[1]).map(([p, c]) => `${p}:${c}`);
    return `${gold.padEnd(12)} n=${String(n).padStart(3)} ok=${String(row[gold] ?? 0).padStart(3)}${misses.length ? `  → ${misses.join(' ')}` : ''}`;
  });
}
