import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LlmosError } from '../../../src/core/errors.js';
import { checkInputShape } from '../../../src/kernel/input-guard.js';

const errorOf = (input: unknown, maxDepth = 32): LlmosError => {
  try {
    checkInputShape(input, maxDepth, 'proc_spawn');
  } catch (e) {
    return e as LlmosError;
  }
  throw new Error('no error');
};

describe('checkInputShape', () => {
  it('names the path of a lone surrogate, in a string and in a key', () => {
    const inString = errorOf({ messages: [{ role: 'user', content: 'a' }, { role: 'user', content: 'bad \ud800' }] });
    expect(inString.code).toBe('LLMOS_EINVAL');
    expect(inString.message).toContain('messages[1].content holds ill-formed Unicode');
    expect(inString.data).toEqual({ path: 'messages[1].content' });
    const inKey = errorOf({ metadata: { tags: { 'k\udc00': 1 } } });
    expect(inKey.message).toContain('a key under metadata.tags holds ill-formed Unicode');
    expect(errorOf('\udfff').message).toContain('(input) holds ill-formed Unicode');
  });

  it('names the path past the depth limit', () => {
    const e = errorOf({ a: [{ b: { c: 1 } }] }, 3);
    expect(e.message).toContain('a[0].b nests deeper than 3 levels');
    expect(e.data).toEqual({ path: 'a[0].b', max_depth: 3 });
  });

  it('bounds the JSON size from above, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.string({ unit: 'grapheme', maxLength: 40 }), (value, text) => {
        const input = { value, text, controls: '\u0000\u001f"\\' };
        const exact = Buffer.byteLength(JSON.stringify(input));
        expect(checkInputShape(input, 32, 'x')).toBeGreaterThanOrEqual(exact);
      }),
      { numRuns: 500 },
    );
  });

  it('gives no finite bound when a value is not plain JSON (a toJSON may make it any size)', () => {
    expect(checkInputShape({ when: new Date(0) }, 32, 'x')).toBe(Infinity);
    expect(checkInputShape({ big: { toJSON: () => 'x'.repeat(100) } }, 32, 'x')).toBe(Infinity);
    expect(checkInputShape({ list: Object.assign([1], { toJSON: () => 'x'.repeat(100) }) }, 32, 'x')).toBe(Infinity);
    class Tagged extends Array<number> {}
    expect(checkInputShape({ list: Tagged.from([1, 2]) }, 32, 'x')).toBe(Infinity);
    expect(checkInputShape({ list: [1, 2] }, 32, 'x')).toBeLessThan(Infinity);
  });
});
