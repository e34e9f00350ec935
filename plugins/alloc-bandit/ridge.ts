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

  constructor(d: number, reg = 1) {
    this.d = d;
    this.Ainv = new Float64Array(d * d);
    for (let i = 0; i < d; i++) this.Ainv[i * d + i] = 1 / reg;
    this.b = new Float64Array(d);
    this.tmp = new Float64Array(d);
  }

  update(x: ArrayLike<number>, y: number): void {
    const { d, Ainv, tmp } = this;
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += Ainv[i * d + j] * x[j];
      tmp[i] = s; // A⁻¹x (A⁻¹ is symmetric)
    }
    let denom = 1;
    for (let i = 0; i < d; i++) denom += x[i] * tmp[i];
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) Ainv[i * d + j] -= (tmp[i] * tmp[j]) / denom;
    for (let i = 0; i < d; i++) this.b[i] += y * x[i];
    this.n++;
    this.theta = undefined;
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
    const { d, Ainv } = this;
    let s = 0;
    for (let i = 0; i < d; i++) {
      let r = 0;
      for (let j = 0; j < d; j++) r += Ainv[i * d + j] * x[j];
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
