import { Rng } from '../plugin-api/rng.js';

/** A seeded shuffle of a copy; every shuffle in replay takes a seed. */
export const shuffled = <T>(items: readonly T[], seed: number): T[] => new Rng(seed).shuffled(items);

/**
 * Splits rows per file (key) into a held-out part of `fraction` and the rest,
 * seeded, so each file contributes the same share to both halves.
 */
export function splitPerFile<T extends { file: string }>(rows: readonly T[], fraction: number, seed: number): { rest: T[]; holdout: T[] } {
  const byFile = new Map<string, T[]>();
  for (const r of rows) {
    const g = byFile.get(r.file);
    if (g) g.push(r);
    else byFile.set(r.file, [r]);
  }
  const rest: T[] = [];
  const holdout: T[] = [];
  for (const group of byFile.values()) {
    const s = shuffled(group, seed);
    const k = Math.round(s.length * fraction);
    holdout.push(...s.slice(0, k));
    rest.push(...s.slice(k));
  }
  return { rest, holdout };
}
