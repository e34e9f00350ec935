import { describe, expect, it } from 'vitest';
import { bothDurable, EndOfTurnWriter } from '../../../src/core/end-of-turn.js';
import type { Logger } from '../../../src/core/log.js';

const turn = () => new Promise((r) => setImmediate(r));

/** A store that takes what is pending in one write, and can be told to fail its next one; its failures logged. */
function store() {
  const s = { pending: [] as number[], written: [] as number[][], failNext: false, logged: [] as string[], writer: undefined as unknown as EndOfTurnWriter };
  const log = { error: (_o: unknown, msg: string) => void s.logged.push(msg) } as unknown as Logger;
  s.writer = new EndOfTurnWriter(
    {
      what: 'the test store',
      write: () => {
        if (s.failNext) (s.failNext = false), raise();
        s.written.push(s.pending.splice(0));
      },
      pending: () => s.pending.length > 0,
      log,
    },
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

  it('logs a failed write, rejects its waiters, keeps what was pending and retries it', async () => {
    const s = store();
    s.failNext = true;
    s.pending.push(1), s.writer.schedule();
    await expect(s.writer.durable()).rejects.toMatchObject({ code: 'LLMOS_EUNAVAILABLE', message: expect.stringContaining('the test store could not be written (disk full), so this was not acknowledged') });
    expect(s.logged).toEqual(['the test store could not be written; what it holds stays in memory and is retried in 20 ms']);
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
