import { describe, expect, it } from 'vitest';
import * as profileBasic from '../../plugins/profile-basic/index.js';
import { SETS, confusionLines, loadSet, pickDetector, score } from '../bench/detectors-eval-core.mjs';

/**
 * Issue #22, "measured, not asserted": each profile-basic detector is scored
 * on its evaluation set (test/fixtures/eval, built from public data by
 * build.mjs there) and must reach the goal. Accuracy is
 * deterministic (no timing, no sampling), so the goal is checked exactly.
 * `npm run eval:detectors` prints the same figures with confusion matrices.
 */

/**
 * Goals not met yet, with the accuracy measured when this was written (the
 * README's figure). Such a set must stay at or above that figure and below
 * its goal: reaching the goal fails here until its entry is removed, so the
 * record cannot go stale. An empty record means every goal holds.
 */
const BELOW_GOAL: Record<string, { measured: number }> = {};

const CODE_IDS = new Set(['python', 'javascript', 'typescript', 'java', 'cpp', 'c', 'csharp', 'go', 'rust', 'ruby', 'php', 'swift', 'kotlin', 'scala', 'haskell', 'sql', 'bash', 'r', 'perl', 'lua', 'html', 'css']);
const LABEL_OK: Record<string, (label: string) => boolean> = {
  'target-language': (l) => /^[a-z]{2}$/.test(l),
  'code-language': (l) => CODE_IDS.has(l),
  intent: (l) => l === 'chit-chat' || l === 'professional',
};

describe.each(SETS)('evaluation set $name', (set) => {
  const items = loadSet(set.file);

  it('holds at least 300 items with a unique id, a non-empty text and a known label', () => {
    expect(items.length).toBeGreaterThanOrEqual(300);
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    for (const it of items) {
      expect(typeof it.text === 'string' && it.text.trim().length > 0, `${it.id}: text`).toBe(true);
      expect(LABEL_OK[set.name](it.label), `${it.id}: label ${it.label}`).toBe(true);
      expect(typeof it.origin, `${it.id}: origin`).toBe('string');
    }
  });

  it('has every label at least once and no label holding most of the set (intent: both sides equal)', () => {
    const counts = new Map<string, number>();
    for (const it of items) counts.set(it.label, (counts.get(it.label) ?? 0) + 1);
    const max = Math.max(...counts.values());
    if (set.name === 'intent') expect(counts.get('chit-chat')).toBe(counts.get('professional'));
    else expect(max / items.length).toBeLessThan(0.1);
  });

  it(`is detected with at least the goal's accuracy, or the recorded figure while the goal is not met (abstentions count as wrong)`, () => {
    const detector = pickDetector(profileBasic as Record<string, unknown>, set);
    expect(detector, `plugins/profile-basic exports neither ${set.detector} nor ${set.legacy ?? '(no older function)'}`).toBeDefined();
    const result = score(items, detector!.fn);
    const report = `${set.name} via ${detector!.via}: ${(100 * result.accuracy).toFixed(1)}% (${result.correct}/${result.n}), abstained ${result.abstained}\n${confusionLines(result.confusion).join('\n')}`;
    const below = BELOW_GOAL[set.name];
    if (!below) return expect(result.accuracy, report).toBeGreaterThanOrEqual(set.goal);
    expect(result.accuracy, `${report}\nfell below the recorded ${below.measured}`).toBeGreaterThanOrEqual(below.measured);
    expect(result.accuracy, `${report}\nreaches the goal now: remove its BELOW_GOAL entry and update the README`).toBeLessThan(set.goal);
  });
});
