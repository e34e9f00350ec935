/**
 * FNV-1a over the UTF-16 code units of `s`, as an unsigned 32-bit number:
 * the hash behind hashed features (alloc-bandit's word buckets,
 * profile-basic's code-language model). Stable across versions: a learned
 * model stores weights by these buckets.
 */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
