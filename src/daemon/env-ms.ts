import { LlmosError } from '../core/errors.js';

/** A duration in milliseconds from the environment; LLMOS_EINVAL when it is set but not a whole number ≥ 0. */
export function envMs(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (Number.isSafeInteger(n) && n >= 0) return n;
  throw new LlmosError('LLMOS_EINVAL', `${name}=${JSON.stringify(v).slice(0, 40)} is not a whole number of milliseconds; set one (default ${dflt}) or unset it.`);
}
