import { RE2JS } from 're2js';
import { LlmosError } from '../core/errors.js';

/** Longest pattern accepted: compiling costs time and memory in the pattern's size. */
export const MAX_REGEX_LENGTH = 1_000;

/** A compiled pattern whose matching time is linear in the text, whatever the pattern. */
export interface SafeRegex {
  readonly source: string;
  /** Whether the pattern matches anywhere in `text`. */
  test(text: string): boolean;
}

const FLAG_BITS: Record<string, number> = { i: RE2JS.CASE_INSENSITIVE, s: RE2JS.DOTALL, m: RE2JS.MULTILINE };
/** JavaScript flags that do not change whether a pattern matches somewhere (RE2 is always Unicode-aware). */
const NEUTRAL_FLAGS = new Set(['g', 'y', 'u', 'd']);

/**
 * Compiles a regex from a client or config with RE2's linear-time engine, so
 * no pattern (nested quantifiers and the like) can freeze the event loop.
 * RE2 syntax is JavaScript's without backreferences and lookaround. Fails
 * with LLMOS_EINVAL naming `what` when the pattern is too long, uses what RE2
 * cannot run in linear time, or has an unknown flag.
 */
export function safeRegex(pattern: string, flags = '', what = 'regex'): SafeRegex {
  if (pattern.length > MAX_REGEX_LENGTH)
    throw new LlmosError('LLMOS_EINVAL', `${what} is ${pattern.length} characters long, over the limit of ${MAX_REGEX_LENGTH}; use a shorter pattern.`, { length: pattern.length, max: MAX_REGEX_LENGTH });
  let bits = 0;
  for (const f of flags) {
    if (f in FLAG_BITS) bits |= FLAG_BITS[f];
    else if (!NEUTRAL_FLAGS.has(f)) throw new LlmosError('LLMOS_EINVAL', `${what} has unknown flag "${f}"; use i, s or m.`, { flag: f });
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern, bits);
  } catch (e) {
    throw new LlmosError(
      'LLMOS_EINVAL',
      `${what} cannot run in linear time or does not parse (${e instanceof Error ? e.message : String(e)}); LLMOS runs client regexes with RE2 syntax: no backreferences or lookaround. Rewrite the pattern.`,
      { pattern: pattern.slice(0, 100) },
    );
  }
  return { source: pattern, test: (text) => re.matcher(text).find() };
}
