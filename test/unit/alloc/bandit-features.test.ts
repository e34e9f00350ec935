import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { digitCount, isSpaceCode, lastParagraphOf } from '../../../plugins/alloc-bandit/features.js';

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
});
