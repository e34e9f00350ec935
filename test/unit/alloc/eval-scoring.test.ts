import { describe, expect, it } from 'vitest';
import { ABSTAIN, SETS, confusionLines, pickDetector, score } from '../../bench/detectors-eval-core.mjs';

const items = [
  { id: 'a', text: 'one', label: 'x' },
  { id: 'b', text: 'two', label: 'x' },
  { id: 'c', text: 'three', label: 'y', domain: 'science' },
  { id: 'd', text: 'four', label: 'y' },
];
const answers: Record<string, { value: string; confidence: number; domain?: string } | undefined> = {
  one: { value: 'x', confidence: 0.9 },
  two: { value: 'y', confidence: 0.9 },
  three: { value: 'y', confidence: 0.3, domain: 'science' },
  four: undefined,
};

describe('detector evaluation scoring', () => {
  it('counts an abstention as wrong and fills the confusion matrix gold → predicted', () => {
    const r = score(items, (t) => answers[t]);
    expect(r).toMatchObject({ n: 4, correct: 2, accuracy: 0.5, abstained: 1, answeredAccuracy: 2 / 3, domain: { seen: 1, right: 1 } });
    expect(r.confusion).toEqual({ x: { x: 1, y: 1 }, y: { y: 1, [ABSTAIN]: 1 } });
    expect(confusionLines(r.confusion)).toEqual([
      'x            n=  2 ok=  1  → y:1',
      `y            n=  2 ok=  1  → ${ABSTAIN}:1`,
    ]);
  });

  it('treats a detection under the minimum confidence as an abstention, as a rule with that minimum would', () => {
    const r = score(items, (t) => answers[t], 0.5);
    expect(r).toMatchObject({ correct: 1, abstained: 2 });
  });

  it('scores the detect… export, else the older string function at confidence 1, else nothing', () => {
    const target = SETS.find((s) => s.name === 'target-language')!;
    const intent = SETS.find((s) => s.name === 'intent')!;
    const detect = () => ({ value: 'fr', confidence: 0.4 });
    expect(pickDetector({ detectTargetLanguage: detect, targetLanguage: () => 'de' }, target)?.fn('t')).toEqual({ value: 'fr', confidence: 0.4 });
    const legacy = pickDetector({ targetLanguage: (t: string) => (t ? 'de' : undefined) }, target)!;
    expect([legacy.fn('t'), legacy.fn(''), legacy.via]).toEqual([{ value: 'de', confidence: 1 }, undefined, 'targetLanguage (adapter)']);
    expect(pickDetector({}, intent)).toBeUndefined();
  });
});
