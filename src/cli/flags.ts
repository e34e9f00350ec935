import type { z } from 'zod';
import { LlmosError } from '../core/errors.js';

/** Names a zod issue path by its command-line flag: arrival_rate → --arrival-rate. */
const flagOf = (path: PropertyKey[]) => `--${String(path[0] ?? 'input').replace(/_/g, '-')}`;

/** Validates CLI input with a zod schema, failing with LLMOS_EINVAL naming the flags. */
export function parseFlags<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw new LlmosError('LLMOS_EINVAL', r.error.issues.map((i) => `${flagOf(i.path)}: ${i.message}`).join('; '));
  return r.data;
}

/** A number flag, kept as NaN when not numeric so validation names it. */
export const num = (v: string | undefined) => (v === undefined ? undefined : v.trim() === '' ? NaN : Number(v));
