import type { Token } from 'node-llama-cpp';
import { describe, expect, it } from 'vitest';
import { defaultSequences } from '../../../plugins/model-llamacpp/index.js';
import { commonPrefix, pickLane, reusableTokens, trimLane, type Lane } from '../../../plugins/model-llamacpp/lanes.js';

/** Token ids as node-llama-cpp types them. */
const t = (...ids: number[]) => ids as unknown as Token[];

/** A lane over a recording stand-in for a context sequence: the policy reads contextTokens and erases ranges, nothing else. */
function lane(tokens: number[], owner?: string, usedAt = 0, busy = false): Lane & { erased: Array<{ start: number; end: number }> } {
  const erased: Array<{ start: number; end: number }> = [];
  const sequence = {
    contextTokens: tokens,
    get nextTokenIndex() {
      return tokens.length;
    },
    eraseContextTokenRanges: async (ranges: Array<{ start: number; end: number }>) => {
      erased.push(...ranges);
      tokens.splice(ranges[0]!.start);
    },
  };
  return { sequence: sequence as never, completion: undefined as never, busy, owner, usedAt, erased };
}

describe('model-llamacpp lanes: prefix reuse per owner', () => {
  it('takes the idle lane holding the same owner\'s longest shared prefix, else the least recently used', () => {
    const mineShort = lane([1, 2, 9], 'alice', 5);
    const mineLong = lane([1, 2, 3, 4], 'alice', 9);
    const bobs = lane([1, 2, 3, 4], 'bob', 1);
    const busyMine = lane([1, 2, 3, 4, 5], 'alice', 0, true);
    expect(pickLane([mineShort, bobs, mineLong, busyMine], 'alice', t(1, 2, 3, 4, 5))).toBe(mineLong);
    // A new owner gets the lane idle longest, never chosen by what it holds.
    expect(pickLane([mineShort, bobs, mineLong], 'carol', t(1, 2, 3, 4, 5))).toBe(bobs);
    expect(pickLane([busyMine], 'alice', t(1))).toBeUndefined();
  });

  it("reuses another owner's evaluated tokens only as far as an operator-configured prefix covers", () => {
    const bobs = lane([7, 7, 1, 2, 3, 4], 'bob');
    const prompt = t(7, 7, 1, 2, 3, 9);
    expect(reusableTokens(bobs, 'bob', prompt, [])).toBe(5);
    expect(reusableTokens(bobs, 'alice', prompt, [])).toBe(0);
    expect(reusableTokens(bobs, 'alice', prompt, [t(7, 7, 1, 5)])).toBe(3);
    expect(reusableTokens(bobs, 'alice', prompt, [t(7, 7, 1, 2, 3, 9, 9)])).toBe(5); // never more than the lane holds
    expect(commonPrefix([], t(1))).toBe(0);
  });

  it('erases what may not be reused and leaves a reusable lane alone', async () => {
    const l = lane([1, 2, 3, 4]);
    await trimLane(l, 4);
    expect(l.erased).toEqual([]);
    await trimLane(l, 1);
    expect(l.erased).toEqual([{ start: 1, end: 4 }]);
    expect(l.sequence.contextTokens).toEqual([1]);
  });

  it('defaults to two sequences per core, between 2 and 4', () => {
    expect(defaultSequences(1)).toBe(2);
    expect(defaultSequences(2)).toBe(4);
    expect(defaultSequences(16)).toBe(4);
  });
});
