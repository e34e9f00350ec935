/** Deepest nesting of a log record sent to a client; anything deeper is cut. */
const MAX_DEPTH = 6;

/**
 * A server log record as a client may see it: every `stack` property removed
 * at any depth (err.stack, err.cause.stack…), since stack traces show the
 * server's files and code paths. Cycles and deep nesting are cut.
 */
export function clientLogData(data: Record<string, unknown>): Record<string, unknown> {
  const seen = new WeakSet<object>();
  const strip = (v: unknown, depth: number): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (seen.has(v) || depth >= MAX_DEPTH) return '[cut]';
    seen.add(v);
    if (Array.isArray(v)) return v.map((x) => strip(x, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (k !== 'stack') out[k] = strip(x, depth + 1);
    return out;
  };
  return strip(data, 0) as Record<string, unknown>;
}
