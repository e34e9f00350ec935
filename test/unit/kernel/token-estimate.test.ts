import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyProfile } from '../../../src/core/profiler.js';
import { TaskSchema, taskText, taskTokens } from '../../../src/core/task.js';
import { countCodePoints, estimateTokens } from '../../../src/core/token-estimate.js';

/** The counts as stated, over code points: a lone surrogate is one code point of 3 UTF-8 bytes (as codePointAt reads it). */
function byCodePoint(text: string) {
  let ascii = 0;
  let other = 0;
  let otherBytes = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) ascii++;
    else (other++, (otherBytes += cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4));
  }
  return { ascii, other, otherBytes };
}
const tokensByCodePoint = (text: string) => Math.ceil(byCodePoint(text).ascii / 4) + byCodePoint(text).other;

describe('countCodePoints and estimateTokens', () => {
  it('count as a walk over code points does, for any text: astral characters, lone and reversed surrogates, CJK', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 50 }), (a, b) => {
        expect(countCodePoints(a + b)).toEqual(byCodePoint(a + b));
        expect(estimateTokens(a + b)).toBe(tokensByCodePoint(a + b));
      }),
      { numRuns: 2000 },
    );
    for (const edge of ['\ud83d', '\ude00', '\ude00\ud83d', '\ud83d\ude00', 'ab\ud83d', '日本語のテキスト', 'plain ascii text']) expect(countCodePoints(edge)).toEqual(byCodePoint(edge));
  });

  it("count a task's tokens once, as its text estimates, and carry the count to its profiled copy", () => {
    const task = TaskSchema.parse({ system: 'Answer briefly.', messages: [{ role: 'user', content: '日本語で説明して: what is a monad?' }], tools: [{ name: 'lookup', input_schema: { type: 'object' } }] });
    expect(taskTokens(task)).toBe(estimateTokens(taskText(task)));
    const profiled = applyProfile(task, { type: 'qa', language: 'ja', domain: [], size: 1 });
    expect(profiled).not.toBe(task);
    expect(taskTokens(profiled)).toBe(taskTokens(task));
    const other = TaskSchema.parse({ prompt: 'a much longer prompt than the first one, '.repeat(20) });
    expect(taskTokens(other)).toBe(estimateTokens(taskText(other)));
    expect(taskTokens(other)).not.toBe(taskTokens(task));
  });
});
