import { describe, expect, it } from 'vitest';
import languageDetection from '@vscode/vscode-languagedetection';
import { guesslang, guesslangProbs } from '../../../plugins/profile-basic/code-guesslang.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { modelLanguage } from '../../../plugins/profile-basic/code-content.js';
import { codeFeatures } from '../../../plugins/profile-basic/code-features.js';
import { codeModel, posterior, scoreModel } from '../../../plugins/profile-basic/code-model.js';

/**
 * profile-basic runs guesslang's model (code-guesslang.ts) itself, from the
 * weights in @vscode/vscode-languagedetection. The reference is the same
 * package's own TensorFlow.js run of that graph: both must give the same
 * probabilities, up to float rounding.
 */
const SNIPPETS = [
  'def total(items):\n    """Sum of prices."""\n    return sum(i.price for i in items)\n\nprint(total([]))\n',
  '#include <stdio.h>\n\nint main(void) {\n    printf("%d\\n", 42);\n    return 0;\n}\n',
  'SELECT c.name, SUM(o.total) AS spent\nFROM customers c\nJOIN orders o ON o.customer_id = c.id\nGROUP BY c.name;\n',
  'local Cart = {}\nCart.__index = Cart\n\nfunction Cart.new()\n  return setmetatable({ items = {} }, Cart)\nend\n',
];

describe('guesslang, run in-process from the package weights', () => {
  it('gives the probabilities of the package\'s own TensorFlow.js run', async () => {
    const reference = new languageDetection.ModelOperations();
    const m = guesslang();
    expect(m.labels).toHaveLength(54);
    for (const code of SNIPPETS) {
      const ours = guesslangProbs(m, code)!;
      const theirs = await reference.runModel(code);
      expect(theirs.length).toBe(54);
      for (const { languageId, confidence } of theirs) expect(ours[m.labels.indexOf(languageId)]).toBeCloseTo(confidence, 4);
    }
    reference.dispose();
  }, 60_000);

  it('has no answer for less than a byte pair, and reads past non-ASCII text', () => {
    expect(guesslangProbs(guesslang(), 'x')).toBeUndefined();
    const p = guesslangProbs(guesslang(), 'print("héllo wörld — ✓")\n')!;
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it('is asked only when the model is unsure, and can change its answer there', () => {
    const own = (code: string) => {
      const s = scoreModel(codeModel(), codeFeatures(code));
      return { value: s.classes[s.best], p: posterior(codeModel(), s) };
    };
    // Sure (≥ 0.9): the model's own answer and posterior.
    const sure = own(SNIPPETS[0]);
    expect(sure.p).toBeGreaterThanOrEqual(0.9);
    expect(modelLanguage(SNIPPETS[0])).toEqual({ value: 'python', confidence: Math.round(sure.p * 100) / 100 });
    // Unsure: a PL/SQL excerpt of the evaluation set (Linguist's PLSQL/prime#.plsql) reads as Lua to the model alone, as SQL with guesslang.
    const item = readFileSync(join(import.meta.dirname, '../../fixtures/eval/code-language.jsonl'), 'utf8').split('\n').map((l) => l && JSON.parse(l)).find((x) => x?.origin === 'linguist:PLSQL/prime#.plsql#L1');
    expect(own(item.text)).toMatchObject({ value: 'lua' });
    expect(own(item.text).p).toBeLessThan(0.9);
    const both = modelLanguage(item.text)!;
    expect(both.value).toBe('sql');
    expect(both.confidence).toBeGreaterThan(0.2);
    expect(both.confidence).toBeLessThanOrEqual(1);
  });
});
