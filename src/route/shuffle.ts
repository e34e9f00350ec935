/** Seeded randomness for replay (mulberry32); every shuffle and random baseline takes a seed. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    let t = (s = (s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates on a copy. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  const rnd = seededRandom(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

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
