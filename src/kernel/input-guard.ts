import { LlmosError } from '../core/errors.js';

/**
 * Checks the shape of an untrusted syscall input before anything parses it:
 * nesting at most `maxDepth` deep (deep JSON would otherwise overflow the
 * stack of a recursive parser and surface as an internal error), and every
 * string well-formed UTF-16 (a lone surrogate cannot be stored or sent on).
 * Iterative, O(size of the input). Throws LLMOS_EINVAL naming the path.
 */
export function checkInputShape(input: unknown, maxDepth: number, what: string): void {
  const stack: Array<[value: unknown, depth: number, path: string]> = [[input, 0, '']];
  while (stack.length) {
    const [v, depth, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (!v.isWellFormed()) throw new LlmosError('LLMOS_EINVAL', `invalid input to ${what}: ${path || '(input)'} holds ill-formed Unicode (a lone surrogate); send well-formed UTF-8 text.`, { path });
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= maxDepth)
      throw new LlmosError('LLMOS_EINVAL', `invalid input to ${what}: ${path || '(input)'} nests deeper than ${maxDepth} levels; flatten it.`, { path, max_depth: maxDepth });
    if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, depth + 1, `${path}[${i}]`]));
    else
      for (const [k, x] of Object.entries(v)) {
        if (!k.isWellFormed()) throw new LlmosError('LLMOS_EINVAL', `invalid input to ${what}: a key under ${path || '(input)'} holds ill-formed Unicode; send well-formed UTF-8 text.`, { path });
        stack.push([x, depth + 1, path ? `${path}.${k}` : k]);
      }
  }
}
