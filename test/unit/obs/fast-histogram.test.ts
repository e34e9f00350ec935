import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FastHistogram } from '../../../plugins/obs-metrics/fast-histogram.js';

const BUCKETS = [0.01, 0.1, 1, 10];
const VALUES = [0, 0.01, 0.05, 0.1, 0.5, 1, 3, 10, 11, 250]; // bucket edges included: le is inclusive

describe('FastHistogram: the request-path histogram obs-metrics registers in prom-client', () => {
  it('writes the same exposition text as prom-client\'s own Histogram for the same observations', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const fast = new FastHistogram('x_seconds', 'help text', ['model', 'error_type'], BUCKETS, ours);
    const reference = new Histogram({ name: 'x_seconds', help: 'help text', labelNames: ['model', 'error_type'], buckets: BUCKETS, registers: [theirs] });
    const a = fast.child('m1', '');
    const b = fast.child('m2', 'LLMOS_EUPSTREAM');
    for (const v of VALUES) {
      a.observe(v);
      reference.observe({ model: 'm1', error_type: '' }, v);
    }
    b.observe(2);
    reference.observe({ model: 'm2', error_type: 'LLMOS_EUPSTREAM' }, 2);
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(fast.child('m1', '')).toBe(a); // one child per label set, kept by callers
  });

  it('resets in place, so children that callers keep still count', async () => {
    const reg = new Registry();
    const fast = new FastHistogram('y', 'h', ['c'], BUCKETS, reg);
    const child = fast.child('4');
    child.observe(0.5);
    reg.resetMetrics();
    child.observe(5);
    const text = await reg.metrics();
    expect(text).toContain('y_count{c="4"} 1');
    expect(text).toContain('y_sum{c="4"} 5');
  });
});
