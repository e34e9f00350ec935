import { describe, expect, it } from 'vitest';
import { bothDurable, EndOfTurnWriter } from '../../../src/core/end-of-turn.js';
import { LlmosError } from '../../../src/core/errors.js';

const turn = () => new Promise((r) => setImmediate(r));

/** A store that takes what is pending in one write, and can be told to fail its next one. */
function store() {
  const s = { pending: [] as number[], written: [] as number[][], failNext: false, writer: undefined as unknown as EndOfTurnWriter };
  s.writer = new EndOfTurnWriter(
    () => {
      if (s.failNext) (s.failNext = false), raise();
      s.written.push(s.pending.splice(0));
    },
    () => s.pending.length > 0,
    (err) => new LlmosError('LLMOS_EUNAVAILABLE', `not stored: ${(err as Error).message}`),
    20,
  );
  return s;
}
const raise = (): never => {
  throw new Error('disk full');
};

describe('end-of-turn writer (group commit)', () => {
  it('writes everything one turn gathered in one write, and durable() waits for it', async () => {
    const s = store();
    expect(s.writer.durable()).toBeUndefined(); // nothing pending: nothing to wait for
    for (const x of [1, 2, 3]) s.pending.push(x), s.writer.schedule();
    const waited = s.writer.durable();
    expect(s.written).toEqual([]);
    await waited;
    expect(s.written).toEqual([[1, 2, 3]]);
    s.pending.push(4), s.writer.schedule();
    await turn();
    expect(s.written).toEqual([[1, 2, 3], [4]]);
  });

  it('rejects the waiters of a failed write, keeps what was pending and retries it', async () => {
    const s = store();
    s.failNext = true;
    s.pending.push(1), s.writer.schedule();
    await expect(s.writer.durable()).rejects.toMatchObject({ code: 'LLMOS_EUNAVAILABLE', message: 'not stored: disk full' });
    expect(s.pending).toEqual([1]);
    await s.writer.durable(); // the retry, 20 ms later
    expect(s.written).toEqual([[1]]);
  });

  it('combines two barriers, either of which may be absent', async () => {
    expect(bothDurable(undefined, undefined)).toBeUndefined();
    const a = Promise.resolve();
    expect(bothDurable(a, undefined)).toBe(a);
    await expect(bothDurable(a, Promise.reject(new Error('b failed')))).rejects.toThrow('b failed');
  });
});
