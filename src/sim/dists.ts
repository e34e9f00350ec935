import { readFileSync } from 'node:fs';
import type { Rng } from '../plugin-api/rng.js';

/** Draws service times in seconds with a given mean. */
export interface ServiceDist {
  readonly name: string;
  readonly mean: number;
  sample(rng: Rng): number;
}

export const LOGNORMAL_SIGMA = 1.0;
export const PARETO_ALPHA = 2.2;

export function exponential(mean: number): ServiceDist {
  return { name: 'exp', mean, sample: (r) => -Math.log(r.next()) * mean };
}

/** Lognormal with shape sigma (default 1, CV ≈ 1.31), scaled to the mean. */
export function lognormal(mean: number, sigma = LOGNORMAL_SIGMA): ServiceDist {
  const mu = Math.log(mean) - (sigma * sigma) / 2;
  return { name: 'lognormal', mean, sample: (r) => Math.exp(mu + sigma * r.normal()) };
}

/** Pareto with shape alpha > 1 (default 2.2: finite mean and variance, heavy tail), scaled to the mean. */
export function pareto(mean: number, alpha = PARETO_ALPHA): ServiceDist {
  const xm = (mean * (alpha - 1)) / alpha;
  return { name: 'pareto', mean, sample: (r) => xm / Math.pow(r.next(), 1 / alpha) };
}

/**
 * Service times replayed from a file: one number (seconds) per line, or the
 * last comma-separated number of each line; '#' lines are skipped. Drawn
 * uniformly at random with the simulation's seed.
 */
export function trace(file: string): ServiceDist {
  const xs: number[] = [];
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const t = line.trim();
    if (!t || t.startsWith('#')) continue;
    const v = Number(t.split(',').at(-1));
    if (Number.isFinite(v) && v > 0) xs.push(v);
  }
  if (!xs.length) throw new Error(`trace ${file} has no positive service times; write one number of seconds per line`);
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  return { name: `trace:${file}`, mean, sample: (r) => xs[Math.floor(r.next() * xs.length)] };
}

/** Parses exp | lognormal | pareto | trace:FILE. */
export function serviceDist(spec: string, mean: number): ServiceDist {
  if (spec === 'exp') return exponential(mean);
  if (spec === 'lognormal') return lognormal(mean);
  if (spec === 'pareto') return pareto(mean);
  if (spec.startsWith('trace:')) return trace(spec.slice(6));
  throw new Error(`unknown service distribution "${spec}"; use exp, lognormal, pareto or trace:FILE`);
}
