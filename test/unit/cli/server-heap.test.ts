import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('node:v8', async (actual) => ({ ...(await actual<typeof import('node:v8')>()), setFlagsFromString: vi.fn() }));
const v8 = await import('node:v8');
const { tuneServerHeap } = await import('../../../src/cli/server-heap.js');
const { params } = await import('../../../src/kernel/params.js');

describe('tuneServerHeap (what llmos serve and the daemon set before they boot)', () => {
  afterEach(() => vi.mocked(v8.setFlagsFromString).mockClear());

  it("caps V8's old-generation growth at LLMOS_HEAP_GROWTH_PERCENT, 30 by default", () => {
    expect(params.heapGrowthPercent).toBe(30);
    tuneServerHeap();
    expect(v8.setFlagsFromString).toHaveBeenCalledWith('--heap-growing-percent=30');
    tuneServerHeap(50);
    expect(v8.setFlagsFromString).toHaveBeenLastCalledWith('--heap-growing-percent=50');
  });

  it("leaves V8's own heuristic at 0", () => {
    tuneServerHeap(0);
    expect(v8.setFlagsFromString).not.toHaveBeenCalled();
  });
});
