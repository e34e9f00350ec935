/**
 * The run's seed: LLMOS_FUZZ_SEED to replay a run, else a fresh one. Printed
 * (to stderr) with the command that replays it, so a failure in CI can be
 * reproduced exactly.
 */
export function fuzzSeed(what: string): number {
  const given = process.env.LLMOS_FUZZ_SEED;
  const seed = given !== undefined && given !== '' ? Number(given) : (Date.now() ^ (Math.random() * 0x7fffffff)) >>> 0;
  if (!Number.isSafeInteger(seed)) throw new Error(`LLMOS_FUZZ_SEED must be an integer, not "${given}"`);
  process.stderr.write(`[fuzz] ${what}: seed ${seed} (replay with LLMOS_FUZZ_SEED=${seed})\n`);
  return seed;
}

/** A positive integer from the environment, else the default. */
export function envCount(name: string, dflt: number): number {
  const v = Number(process.env[name] ?? dflt);
  if (!Number.isSafeInteger(v) || v < 1) throw new Error(`${name} must be a positive integer, not "${process.env[name]}"`);
  return v;
}
