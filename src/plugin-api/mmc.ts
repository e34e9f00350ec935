import { LlmosError } from '../core/errors.js';

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

/** The most servers mmc() evaluates: every sum runs over c terms, so c bounds the CPU a call may take. */
export const MAX_SERVERS = 100_000;

/** Running log-sum-exp: adds log-space terms one at a time in O(1) memory. */
class LogSum {
  private max = -Infinity;
  private sum = 0;
  add(x: number): void {
    if (x <= this.max) this.sum += Math.exp(x - this.max);
    else {
      this.sum = this.sum * Math.exp(this.max - x) + 1;
      this.max = x;
    }
  }
  get value(): number {
    return this.max + Math.log(this.sum);
  }
}

/** log of a^c/c!, and log of Σ_{n<c} a^n/n!, by recurrence in O(c) time and O(1) memory. */
function logTerms(a: number, c: number): { logTermC: number; logHead: number } {
  const head = new LogSum();
  let t = 0;
  for (let n = 0; n < c; n++) {
    head.add(t);
    t += Math.log(a) - Math.log(n + 1);
  }
  return { logTermC: t, logHead: head.value };
}

/** Fails with LLMOS_EINVAL when c is past MAX_SERVERS (each evaluation costs O(c)). */
function checkServers(c: number): void {
  if (!Number.isInteger(c) || c < 1 || c > MAX_SERVERS)
    throw new LlmosError('LLMOS_EINVAL', `M/M/c with ${c} servers is past the limit of ${MAX_SERVERS.toLocaleString('en')}; plan in larger units (e.g. a server per node instead of per slot) so that λ/μ stays below it.`, { servers: c, max: MAX_SERVERS });
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
  checkServers(c);
  const { logTermC, logHead } = logTerms(a, c);
  // The last term: a^c/c! · 1/(1-ρ), the whole tail n ≥ c.
  const logTail = logTermC - Math.log1p(-rho);
  const norm = new LogSum();
  norm.add(logHead);
  norm.add(logTail);
  const logNorm = norm.value;
  const p0 = Math.exp(-logNorm);
  const erlangC = Math.exp(logTail - logNorm);
  const wq = erlangC / (c * mu - lambda);
  const lq = lambda * wq;
  const w = wq + 1 / mu;
  const pn: number[] = [];
  for (let n = 0, logP = 0; n <= k; n++) {
    pn.push(Math.exp(logP - logNorm));
    logP += n < c ? Math.log(a) - Math.log(n + 1) : Math.log(a / c);
  }
  return { ...base, stable: true, message: `stable: each server is busy ${(rho * 100).toFixed(1)}% of the time.`, p0, pn, erlang_c: erlangC, lq, wq, w, l: lambda * w };
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
export function smallestServers(lambda: number, mu: number, target: CapacityTarget, limit = MAX_SERVERS): number | null {
  const meets = (c: number) => {
    const r = mmc({ lambda, mu, c, k: 0 });
    return r.stable && (target.wait === undefined || r.wq! <= target.wait) && (target.waitProbability === undefined || r.erlang_c! <= target.waitProbability);
  };
  let lo = Math.floor(lambda / mu) + 1; // the smallest stable c
  if (lo > limit) return null;
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
  checkServers(c);
  const { logTermC, logHead } = logTerms(a, c);
  const norm = new LogSum();
  norm.add(logHead);
  norm.add(logTermC - Math.log1p(-a / c));
  const logNorm = norm.value;
  let acc = 0;
  for (let n = 0, logP = 0; ; n++) {
    acc += Math.exp(logP - logNorm);
    if (acc >= u || n > 1e7) return n;
    logP += n < c ? Math.log(a) - Math.log(n + 1) : Math.log(a / c);
  }
}
