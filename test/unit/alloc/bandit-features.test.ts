import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { digitCount, endsLineWithQuestion, featureNames, featurize, isSpaceCode, lastParagraphOf } from '../../../plugins/alloc-bandit/features.js';
import { TaskSchema } from '../../../src/core/task.js';

/** Texts of paragraphs, line feeds and every kind of space, where separators are likely. */
const paragraphs = fc.array(fc.constantFrom('a', 'b c', '1', '?', '\n', '\n', ' ', '\t', '\r', '\u00a0', '\u2028', '\n\n', ' \n \n '), { maxLength: 40 }).map((parts) => parts.join(''));

describe('alloc-bandit features, computed without splitting the prompt', () => {
  it('finds the last paragraph that is not blank, as splitting on blank lines does', () => {
    const bySplit = (text: string) => text.split(/\n\s*\n/).filter((p) => p.trim()).at(-1) ?? '';
    fc.assert(
      fc.property(fc.oneof(paragraphs, fc.string({ unit: 'binary', maxLength: 60 })), (text) => {
        expect(lastParagraphOf(text)).toBe(bySplit(text));
      }),
      { numRuns: 5000 },
    );
    for (const text of ['', '\n\n', 'one', 'one\n\ntwo', 'one\n\ntwo\n\n', 'one\n \n\ttwo \n', 'a\n\n\n\nb \t', ' \n\nQ: why?\n  \n\n  ']) expect(lastParagraphOf(text)).toBe(bySplit(text));
  });

  it('counts digits as matching \\d does', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (text) => {
        expect(digitCount(text)).toBe(text.match(/\d/g)?.length ?? 0);
      }),
      { numRuns: 2000 },
    );
  });

  it('takes for whitespace every UTF-16 unit \\s matches, and no other', () => {
    const differ: number[] = [];
    for (let c = 0; c <= 0xffff; c++) if (isSpaceCode(c) !== /\s/.test(String.fromCharCode(c))) differ.push(c);
    expect(differ).toEqual([]);
  });

  const regexText = fc.array(fc.constantFrom('a', 'answer:', 'Answer: ', '_', ' _ ', '_.', '?', '? ', '?\n', '?\r', '?\u2028', '?\u00a0', '\u00a0', '3', '4 + 5', '7=8', ':', '\n\n', '\t', ' '), { maxLength: 30 }).map((parts) => parts.join(''));

  it('tests a line ending in "?" as /\\?\\s*$/m does', () => {
    fc.assert(
      fc.property(fc.oneof(regexText, fc.string({ unit: 'binary', maxLength: 60 })), (text) => {
        expect(endsLineWithQuestion(text)).toBe(/\?\s*$/m.test(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('gives the regex features the values their regexes alone give, when it skips a regex', () => {
    const names = featureNames(0);
    const at = (name: string) => names.indexOf(name);
    fc.assert(
      fc.property(regexText, (text) => {
        const x = featurize(TaskSchema.parse({ prompt: `${text}.` }));
        const full = `${text}.`;
        const last = lastParagraphOf(full);
        expect(x[at('few_shot')]).toBe(Math.min(1, (full.match(/\banswer:/gi)?.length ?? 0) / 10));
        expect(x[at('blank_slot')]).toBe(/(^|\s)_(\s|[.,'])/.test(full) ? 1 : 0);
        expect(x[at('question_mark')]).toBe(/\?\s*$/m.test(full) ? 1 : 0);
        expect(x[at('math_ops')]).toBe(/\d\s*[-+*/^=]\s*\d/.test(full) ? 1 : 0);
        expect(x[at('last_digits')]).toBe(/\d/.test(last) ? 1 : 0);
      }),
      { numRuns: 2000 },
    );
  });
});
