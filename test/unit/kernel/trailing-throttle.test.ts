import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { trailingThrottle } from '../../../src/core/trailing-throttle.js';

describe('trailingThrottle (streamed-token progress to a waiting MCP call)', () => {
  it('calls at once, then once more with the latest argument when the window ends', async () => {
    const seen: number[] = [];
    const report = trailingThrottle((n: number) => seen.push(n), 40);
    for (let n = 1; n <= 5; n++) report(n);
    expect(seen).toEqual([1]);
    await sleep(80);
    expect(seen).toEqual([1, 5]);
  });

  it('drops the pending call when cancelled', async () => {
    const seen: number[] = [];
    const report = trailingThrottle((n: number) => seen.push(n), 20);
    report(1);
    report(2);
    report.cancel();
    await sleep(50);
    expect(seen).toEqual([1]);
  });
});
