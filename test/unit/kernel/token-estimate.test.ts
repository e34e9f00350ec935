import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimateTokens } from '../../../src/core/token-estimate.js';

/** The rule as stated, over code points: ASCII 4 characters a token, any other code point (a lone surrogate too) one. */
function byCodePoint(text: string): number {
  let ascii = 0;
  let other = 0;
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) ascii++;
    else other++;
  }
  return Math.ceil(ascii / 4) + other;
}

describe('estimateTokens', () => {
  it('counts as the code-point rule does, for any text: astral characters, lone and reversed surrogates, CJK', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 50 }), (a, b) => {
        expect(estimateTokens(a + b)).toBe(byCodePoint(a + b));
      }),
      { numRuns: 2000 },
    );
    for (const edge of ['\ud83d', '\ude00', '\ude00\ud83d', '\ud83d\ude00', 'ab\ud83d', '日本語のテキスト', 'plain ascii text']) expect(estimateTokens(edge)).toBe(byCodePoint(edge));
  });
});
