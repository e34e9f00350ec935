/**
 * Online ridge regression y ≈ θ·x, kept as A⁻¹ (A = reg·I + Σ x xᵀ) and
 * b = Σ y x, updated by Sherman–Morrison in O(d²). Used per arm by LinUCB for
 * quality and by the cost model for dollars.
 */
export class Ridge {
  readonly d: number;
  readonly Ainv: Float64Array;
  readonly b: Float64Array;
  n = 0;
  private theta?: Float64Array;
  private readonly tmp: Float64Array;
  /** Scratch for nonZeroOf. */
  private readonly nz: Int32Array;

  constructor(d: number, reg = 1) {
    this.d = d;
    this.Ainv = new Float64Array(d * d);
    for (let i = 0; i < d; i++) this.Ainv[i * d + i] = 1 / reg;
    this.b = new Float64Array(d);
    this.tmp = new Float64Array(d);
    this.nz = new Int32Array(d);
  }

  /**
   * Adds the sample (x, y). Task features are mostly zeros (one-hot type,
   * domain and language slots), so only x's non-zero entries are read, and
   * A⁻¹, symmetric, has its upper triangle computed and mirrored: the same
   * values as the dense update, but for the sign of a zero, at ~a third of
   * its multiplications.
   */
  update(x: ArrayLike<number>, y: number): void {
    const { d, Ainv, tmp, nz } = this;
    const n = this.nonZeroOf(x);
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += Ainv[i * d + nz[k]] * x[nz[k]];
      tmp[i] = s; // A⁻¹x (A⁻¹ is symmetric)
    }
    let denom = 1;
    for (let k = 0; k < n; k++) denom += x[nz[k]] * tmp[nz[k]];
    for (let i = 0; i < d; i++)
      for (let j = i; j < d; j++) {
        const v = Ainv[i * d + j] - (tmp[i] * tmp[j]) / denom;
        Ainv[i * d + j] = v;
        Ainv[j * d + i] = v;
      }
    for (let k = 0; k < n; k++) this.b[nz[k]] += y * x[nz[k]];
    this.n++;
    this.theta = undefined;
  }

  /** Puts the indices of x's non-zero entries, in order, in this.nz; returns how many there are. */
  private nonZeroOf(x: ArrayLike<number>): number {
    let n = 0;
    for (let i = 0; i < this.d; i++) if (x[i] !== 0) this.nz[n++] = i;
    return n;
  }

  coef(): Float64Array {
    if (!this.theta) {
      const { d, Ainv, b } = this;
      const t = new Float64Array(d);
      for (let i = 0; i < d; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += Ainv[i * d + j] * b[j];
        t[i] = s;
      }
      this.theta = t;
    }
    return this.theta;
  }

  predict(x: ArrayLike<number>): number {
    const t = this.coef();
    let s = 0;
    for (let i = 0; i < this.d; i++) s += t[i] * x[i];
    return s;
  }

  /** xᵀA⁻¹x: the confidence width of predict(x), squared, up to noise scale. */
  width2(x: ArrayLike<number>): number {
    const { d, Ainv, nz } = this;
    const n = this.nonZeroOf(x);
    let s = 0;
    for (let a = 0; a < n; a++) {
      const i = nz[a];
      let r = 0;
      for (let b = 0; b < n; b++) r += Ainv[i * d + nz[b]] * x[nz[b]];
      s += x[i] * r;
    }
    return Math.max(0, s);
  }

  toJSON() {
    return { d: this.d, n: this.n, Ainv: Array.from(this.Ainv), b: Array.from(this.b) };
  }

  static from(j: { d: number; n: number; Ainv: number[]; b: number[] }): Ridge {
    const r = new Ridge(j.d);
    if (j.Ainv.length !== j.d * j.d || j.b.length !== j.d) throw new Error('ridge state has the wrong shape');
    r.Ainv.set(j.Ainv);
    r.b.set(j.b);
    r.n = j.n;
    return r;
  }
}
