/**
 * The M/M/c queue: Poisson arrivals at rate λ, c servers each serving at
 * exponential rate μ, one FCFS queue. All sums run in log space, so large c
 * and large offered loads neither overflow nor produce NaN. ρ = λ/(cμ) ≥ 1 is
 * reported as unstable with the reason in words; the waiting figures are
 * then null, never NaN or Infinity.
 */
export interface MmcInput {
  lambda: number;
  mu: number;
  c: number;
  /** Largest n for which P(n in system) is listed. */
  k?: number;
}

export interface MmcResult {
  lambda: number;
  mu: number;
  c: number;
  /** Utilisation of each server, λ/(cμ). */
  rho: number;
  /** Offered load in erlangs, λ/μ. */
  offered_load: number;
  stable: boolean;
  /** One sentence: stable, or why not and how many servers it needs. */
  message: string;
  p0: number | null;
  /** P(n in system) for n = 0..k. */
  pn: number[] | null;
  /** Erlang C: probability an arrival waits. */
  erlang_c: number | null;
  lq: number | null;
  wq: number | null;
  w: number | null;
  l: number | null;
}

const logSumExp = (xs: number[]): number => {
  const m = Math.max(...xs);
  let s = 0;
  for (const x of xs) s += Math.exp(x - m);
  return m + Math.log(s);
};

/** log of a^n/n! for n = 0..c, by recurrence. */
function logTerms(a: number, c: number): number[] {
  const out = [0];
  for (let n = 1; n <= c; n++) out.push(out[n - 1] + Math.log(a) - Math.log(n));
  return out;
}

export function mmc({ lambda, mu, c, k = 10 }: MmcInput): MmcResult {
  const a = lambda / mu;
  const rho = a / c;
  const base = { lambda, mu, c, rho, offered_load: a };
  if (rho >= 1) {
    const need = Math.floor(a) + 1;
    return {
      ...base,
      stable: false,
      message: `unstable: arrivals (λ=${lambda}/s) meet or exceed what ${c} server(s) can serve (cμ=${c * mu}/s), so the queue grows without bound; use at least ${need} servers or a faster service rate.`,
      p0: null,
      pn: null,
      erlang_c: null,
      lq: null,
      wq: null,
      w: null,
      l: null,
    };
  }
  const t = logTerms(a, c);
  // The last term: a^c/c! · 1/(1-ρ), the whole tail n ≥ c.
  const logTail = t[c] - Math.log1p(-rho);
  const logNorm = logSumExp([...t.slice(0, c), logTail]);
  const p0 = Math.exp(-logNorm);
  const erlangC = Math.exp(logTail - logNorm);
  const wq = erlangC / (c * mu - lambda);
  const lq = lambda * wq;
  const w = wq + 1 / mu;
  const pn: number[] = [];
  for (let n = 0; n <= k; n++) pn.push(Math.exp(logPn(n, a, c, t) - logNorm));
  return { ...base, stable: true, message: `stable: each server is busy ${(rho * 100).toFixed(1)}% of the time.`, p0, pn, erlang_c: erlangC, lq, wq, w, l: lambda * w };
}

/** log of the unnormalized P(n): a^n/n! for n < c, a^c/c! · ρ^(n−c) beyond. */
function logPn(n: number, a: number, c: number, t: number[]): number {
  return n <= c ? t[n] : t[c] + (n - c) * Math.log(a / c);
}

export interface CapacityTarget {
  /** Mean wait in queue Wq must not exceed this (seconds). */
  wait?: number;
  /** Erlang C (probability of waiting) must not exceed this. */
  waitProbability?: number;
}

/**
 * The smallest c whose M/M/c meets every given target; stability alone when
 * none is given. Wq and Erlang C fall as c grows, so a galloping then binary
 * search needs O(log c) evaluations. Null when even `limit` servers fall short.
 */
export function smallestServers(lambda: number, mu: number, target: CapacityTarget, limit = 1_000_000): number | null {
  const meets = (c: number) => {
    const r = mmc({ lambda, mu, c, k: 0 });
    return r.stable && (target.wait === undefined || r.wq! <= target.wait) && (target.waitProbability === undefined || r.erlang_c! <= target.waitProbability);
  };
  let lo = Math.floor(lambda / mu) + 1; // the smallest stable c
  if (meets(lo)) return lo;
  let step = 1;
  let hi = lo + step;
  while (!meets(hi)) {
    if (hi >= limit) return null;
    lo = hi;
    step *= 2;
    hi = Math.min(limit, lo + step);
  }
  // meets(hi), !meets(lo)
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (meets(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Draws the number in system from the stationary distribution (warm starts in the simulator). */
export function sampleStationary(lambda: number, mu: number, c: number, u: number): number {
  const a = lambda / mu;
  const t = logTerms(a, c);
  const logNorm = logSumExp([...t.slice(0, c), t[c] - Math.log1p(-a / c)]);
  let acc = 0;
  for (let n = 0; ; n++) {
    acc += Math.exp(logPn(n, a, c, t) - logNorm);
    if (acc >= u || n > 1e7) return n;
  }
}
