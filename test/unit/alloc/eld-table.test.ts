import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEld, writeEldTable } from '../../../plugins/profile-basic/language.js';

/** Public texts in 28 languages (test/fixtures/eval, built from FLAN and chatterbot-corpus). */
const texts = readFileSync(new URL('../../fixtures/eval/target-language.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((l) => (JSON.parse(l) as { text: string }).text);

describe("eld's table as JSON (what the build writes for profile-basic)", () => {
  it("gives eld's own verdicts, reliability and scores for every text, as eld's module does", () => {
    const json = join(mkdtempSync(join(tmpdir(), 'llmos-eld-')), 'eld-small.json');
    writeEldTable(json);
    expect(statSync(json).size).toBeGreaterThan(1_000_000);
    const fromJson = loadEld(json);
    const fromModule = loadEld(join(tmpdir(), 'no-such-eld-table.json')); // no file: eld's module
    for (const text of [...texts, 'Say hello to the benchmark.', 'Wie geht es dir heute?', '写一个排序函数']) {
      const [a, b] = [fromJson.detect(text), fromModule.detect(text)];
      expect({ text, language: a.language, reliable: a.isReliable(), scores: a.getScores() }).toEqual({ text, language: b.language, reliable: b.isReliable(), scores: b.getScores() });
    }
  });

  it("falls back to eld's module when the file is not an eld table", () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'llmos-eld-')), 'eld-small.json');
    writeFileSync(bad, '{}');
    expect(loadEld(bad).detect('Wie geht es dir heute, mein Freund?').language).toBe('de');
    writeFileSync(bad, '{"ngrams": ');
    expect(loadEld(bad).detect('¿Dónde está la biblioteca más cercana?').language).toBe('es');
  });
});
