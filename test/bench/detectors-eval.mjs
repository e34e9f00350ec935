#!/usr/bin/env node
/**
 * Prints, per profile-basic detector, its accuracy on its evaluation set
 * (test/fixtures/eval; abstentions count as wrong), abstentions, accuracy on
 * the items answered, the goal, and the confusion matrix (gold → predicted;
 * "—" = abstained). Deterministic: no timing, no sampling.
 *
 *   npm run eval:detectors [-- --min-confidence 0.5] [-- --json]
 */
import { SETS, confusionLines, loadDetectorModule, loadSet, pickDetector, score } from './detectors-eval-core.mjs';

const args = process.argv.slice(2);
const at = args.indexOf('--min-confidence');
const minConfidence = at >= 0 ? Number(args[at + 1]) : 0;
const json = args.includes('--json');

const mod = await loadDetectorModule();
const report = SETS.map((set) => {
  const detector = pickDetector(mod, set);
  const items = loadSet(set.file);
  return { set, via: detector?.via, result: detector ? score(items, detector.fn, minConfidence) : undefined, n: items.length };
});

if (json) {
  console.log(JSON.stringify(report.map(({ set, via, result }) => ({ set: set.name, detector: via, goal: set.goal, ...result })), null, 1));
} else {
  for (const { set, via, result, n } of report) {
    console.log(`\n## ${set.name} (${n} items) — ${via ?? 'no detector exported'}`);
    if (!result) continue;
    const pct = (x) => `${(100 * x).toFixed(1)}%`;
    console.log(`accuracy ${pct(result.accuracy)} (${result.correct}/${result.n}), goal ${pct(set.goal)} ${result.accuracy >= set.goal ? 'met' : 'NOT met'}; abstained ${result.abstained}; accuracy when answering ${pct(result.answeredAccuracy)}${minConfidence ? `; min confidence ${minConfidence}` : ''}`);
    if (result.domain.seen) console.log(`domain right on ${result.domain.right}/${result.domain.seen} professional items that carry one`);
    for (const line of confusionLines(result.confusion)) console.log(`  ${line}`);
  }
}
