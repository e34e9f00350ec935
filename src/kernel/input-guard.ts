import { LlmosError } from '../core/errors.js';

/** A value met on the walk, with where it sits (the path is spelled out only for an error). */
interface Visit {
  value: unknown;
  depth: number;
  parent?: Visit;
  key?: string | number;
}

const pathOf = (at: Visit): string => {
  const keys: Array<string | number> = [];
  for (let v: Visit | undefined = at; v?.parent; v = v.parent) keys.push(v.key!);
  return keys.reverse().reduce<string>((path, k) => (typeof k === 'number' ? `${path}[${k}]` : path ? `${path}.${k}` : k), '');
};

/** Most UTF-8 bytes one UTF-16 unit takes in JSON (a control character escaped as \uXXXX). */
const MAX_BYTES_PER_UNIT = 6;
/** Most bytes a JSON number, true, false or null takes ("-1.2345678901234567e-308"). */
const MAX_SCALAR_BYTES = 24;

const isPlainObject = (v: object): boolean => {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/**
 * Checks the shape of an untrusted syscall input before anything parses it:
 * nesting at most `maxDepth` deep (deep JSON would otherwise overflow the
 * stack of a recursive parser and surface as an internal error), and every
 * string well-formed UTF-16 (a lone surrogate cannot be stored or sent on).
 * Iterative, O(size of the input). Throws LLMOS_EINVAL naming the path.
 *
 * Returns an upper bound of the input's size as JSON in UTF-8 bytes, so
 * that the caller serializes it to measure it exactly only when the bound
 * is over its limit; Infinity when the input holds anything but plain
 * objects, arrays and scalars (a toJSON could make it any size).
 */
export function checkInputShape(input: unknown, maxDepth: number, what: string): number {
  const stack: Visit[] = [{ value: input, depth: 0 }];
  let bound = 0;
  while (stack.length) {
    const at = stack.pop()!;
    const v = at.value;
    if (typeof v === 'string') {
      if (!v.isWellFormed()) throw new LlmosError('LLMOS_EINVAL', `invalid input to ${what}: ${pathOf(at) || '(input)'} holds ill-formed Unicode (a lone surrogate); send well-formed UTF-8 text.`, { path: pathOf(at) });
      bound += MAX_BYTES_PER_UNIT * v.length + 3; // quotes and a separator
      continue;
    }
    if (typeof v !== 'object' || v === null) {
      bound += typeof v === 'function' || typeof v === 'bigint' ? Infinity : MAX_SCALAR_BYTES + 1;
      continue;
    }
    if (at.depth >= maxDepth)
      throw new LlmosError('LLMOS_EINVAL', `invalid input to ${what}: ${pathOf(at) || '(input)'} nests deeper than ${maxDepth} levels; flatten it.`, { path: pathOf(at), max_depth: maxDepth });
    const depth = at.depth + 1;
    bound += 3; // brackets and a separator
    if (Array.isArray(v)) {
      if (Object.getPrototypeOf(v) !== Array.prototype || Object.hasOwn(v, 'toJSON')) bound = Infinity;
      for (let i = 0; i < v.length; i++) stack.push({ value: v[i], depth, parent: at, key: i });
      continue;
    }
    if (!isPlainObject(v)) bound = Infinity;
    for (const k in v) {
      if (!Object.hasOwn(v, k)) continue;
      if (!k.isWellFormed()) throw new LlmosError('LLMOS_EINVAL', `invalid input to ${what}: a key under ${pathOf(at) || '(input)'} holds ill-formed Unicode; send well-formed UTF-8 text.`, { path: pathOf(at) });
      bound += MAX_BYTES_PER_UNIT * k.length + 3; // quotes and the colon
      stack.push({ value: (v as Record<string, unknown>)[k], depth, parent: at, key: k });
    }
  }
  return bound;
}
