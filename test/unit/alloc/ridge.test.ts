import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ridge } from '../../../plugins/alloc-bandit/ridge.js';

/** A sparse feature vector as the bandit's are: a few one-hot slots and a few small reals. */
const features = (d: number) => fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.constant(0), fc.constant(1), fc.double({ min: -2, max: 2, noNaN: true })), { minLength: d, maxLength: d });

/** A = reg·I + Σ x xᵀ, built directly. */
function gram(d: number, reg: number, xs: number[][]): number[][] {
  const a = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? reg : 0)));
  for (const x of xs) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) a[i][j] += x[i] * x[j];
  return a;
}

describe('Ridge (LinUCB arms and the cost model)', () => {
  it('keeps A⁻¹ the inverse of reg·I + Σ x xᵀ, exactly symmetric, and b = Σ y x, from sparse samples', () => {
    const d = 7;
    fc.assert(
      fc.property(fc.array(fc.tuple(features(d), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 1, maxLength: 12 }), fc.constantFrom(1, 0.01), (samples, reg) => {
        const r = new Ridge(d, reg);
        for (const [x, y] of samples) r.update(x, y);
        const a = gram(d, reg, samples.map(([x]) => x));
        for (let i = 0; i < d; i++)
          for (let j = 0; j < d; j++) {
            let aAinv = 0;
            for (let k = 0; k < d; k++) aAinv += a[i][k] * r.Ainv[k * d + j];
            expect(aAinv).toBeCloseTo(i === j ? 1 : 0, 6);
            expect(r.Ainv[i * d + j]).toBe(r.Ainv[j * d + i]);
          }
        const b = Array.from({ length: d }, (_, i) => samples.reduce((s, [x, y]) => s + y * x[i], 0));
        for (let i = 0; i < d; i++) expect(r.b[i]).toBeCloseTo(b[i], 9);
        expect(r.n).toBe(samples.length);
      }),
      { numRuns: 300 },
    );
  });

  it('gives xᵀA⁻¹x over the non-zero entries as over all of them, and predicts θ·x', () => {
    const d = 9;
    fc.assert(
      fc.property(fc.array(features(d), { minLength: 1, maxLength: 8 }), features(d), (xs, probe) => {
        const r = new Ridge(d);
        xs.forEach((x, i) => r.update(x, i % 2));
        let dense = 0;
        for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) dense += probe[i] * r.Ainv[i * d + j] * probe[j];
        expect(r.width2(probe)).toBeCloseTo(Math.max(0, dense), 9);
        const theta = r.coef();
        expect(r.predict(probe)).toBeCloseTo(probe.reduce((s, v, i) => s + v * theta[i], 0), 9);
      }),
      { numRuns: 300 },
    );
  });
});
