import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { BatchedWrites } from '../../../src/plugin-api/gateway/batched-writes.js';

/** A sink that records each write, as a ServerResponse would send each as one socket write. */
function sink() {
  const writes: string[] = [];
  return { writes, writableEnded: false, write: (chunk: string) => writes.push(chunk) };
}

describe('BatchedWrites (streamed token events share socket writes)', () => {
  it('writes the first event at once and gathers the next ones into one later write, in order', async () => {
    const s = sink();
    const out = new BatchedWrites(s, 40);
    out.later('a');
    expect(s.writes).toEqual(['a']); // time to first token is not delayed
    out.later('b');
    out.later('c');
    out.later('d');
    expect(s.writes).toEqual(['a']);
    await sleep(80);
    expect(s.writes).toEqual(['a', 'bcd']); // the timer wrote what waited, once
  });

  it('writes waiting events before one that must go now, in the same write', () => {
    const s = sink();
    const out = new BatchedWrites(s, 1000);
    out.now('open;');
    out.later('a');
    out.later('b');
    out.now('close;');
    expect(s.writes).toEqual(['open;', 'a', 'bclose;']);
  });

  it('hands what waits to the caller, whose own write carries it, and no timer writes it again', async () => {
    const s = sink();
    const out = new BatchedWrites(s, 20);
    out.later('a');
    out.later('b');
    out.later('c');
    expect(out.take()).toBe('bc');
    expect(out.take()).toBe('');
    await sleep(50);
    expect(s.writes).toEqual(['a']);
  });

  it('writes every event at once with flushMs 0', () => {
    const s = sink();
    const out = new BatchedWrites(s, 0);
    for (const t of ['a', 'b', 'c']) out.later(t);
    expect(s.writes).toEqual(['a', 'b', 'c']);
  });

  it('drops what waits when cancelled, and never writes to an ended response', async () => {
    const s = sink();
    const out = new BatchedWrites(s, 20);
    out.later('a');
    out.later('b');
    out.cancel();
    await sleep(50);
    expect(s.writes).toEqual(['a']);
    s.writableEnded = true;
    out.now('late');
    expect(s.writes).toEqual(['a']);
  });
});
