import fc from 'fast-check';
import { evilKeys, hostileValue } from './hostile.js';
import { fromSchema, type Hints, type JsonSchema } from './schema-arbitrary.js';

/** A copy of `v` where the container slot picked by `pick` (any depth) holds `value`, or loses its key when `drop`. */
export function replaceAt(v: unknown, pick: number, value: unknown, drop: boolean): unknown {
  const copy = structuredClone(v);
  const slots: Array<[Record<string, unknown> | unknown[], string | number]> = [];
  const walk = (x: unknown, depth: number) => {
    if (!x || typeof x !== 'object' || depth > 6) return;
    for (const [k, y] of Object.entries(x)) {
      slots.push([x as Record<string, unknown>, Array.isArray(x) ? Number(k) : k]);
      walk(y, depth + 1);
    }
  };
  walk(copy, 0);
  if (!slots.length) return copy;
  const [parent, key] = slots[pick % slots.length];
  if (drop && !Array.isArray(parent)) delete (parent as Record<string, unknown>)[key as string];
  else (parent as Record<string, unknown>)[key] = value;
  return copy;
}

const withUnknownKeys = (v: Record<string, unknown>, extra: Record<string, unknown>, evil: boolean) => Object.assign(evil ? evilKeys() : {}, v, extra);

/**
 * Inputs for a tool: schema-valid ones, ones with one slot (at any depth)
 * replaced by a hostile value or removed, ones with unknown keys, and objects
 * of hostile values under the tool's own keys. Always an object (MCP's
 * arguments are one).
 */
export function toolInput(schema: JsonSchema, hints: Hints): fc.Arbitrary<Record<string, unknown>> {
  const valid = fromSchema({ ...schema, type: 'object' }, hints) as fc.Arbitrary<Record<string, unknown>>;
  const keys = Object.keys(schema.properties ?? {});
  const key = keys.length ? fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 8 })) : fc.string({ maxLength: 8 });
  return fc.oneof(
    { arbitrary: valid, weight: 3 },
    { arbitrary: fc.tuple(valid, fc.nat(), hostileValue, fc.nat(9)).map(([v, i, h, d]) => replaceAt(v, i, h, d === 0) as Record<string, unknown>), weight: 4 },
    { arbitrary: fc.tuple(valid, fc.dictionary(fc.string({ maxLength: 8 }), hostileValue, { maxKeys: 3 }), fc.boolean()).map(([v, x, e]) => withUnknownKeys(v, x, e)), weight: 1 },
    { arbitrary: fc.dictionary(key, hostileValue, { maxKeys: 4 }), weight: 2 },
  );
}

/** Bounds that keep model calls and waits short: a valid max_tokens above 4 becomes 4, a wait above `waitMs` becomes `waitMs`. */
const CLAMPS: Record<string, (n: number) => number> = {
  max_tokens: (n) => (n > 4 && n <= 1_000_000 ? 4 : n),
  timeout_ms: (n) => (n > 1_000 && n <= 3_600_000 ? 1_000 : n),
  item_timeout_ms: (n) => (n > 1_000 && n <= 3_600_000 ? 1_000 : n),
};

/**
 * The input as the fuzzer sends it: every max_tokens and timeout clamped,
 * at any depth, and max_tokens 4 set where the tool takes one and none is
 * given (a default would start a longer model call).
 */
export function clampInput(input: Record<string, unknown>, schema: JsonSchema): Record<string, unknown> {
  const stack: unknown[] = [input];
  while (stack.length) {
    const x = stack.pop();
    if (!x || typeof x !== 'object') continue;
    for (const [k, v] of Object.entries(x)) {
      if (typeof v === 'number' && Object.hasOwn(CLAMPS, k)) (x as Record<string, unknown>)[k] = CLAMPS[k](v);
      else stack.push(v);
    }
  }
  if (schema.properties?.max_tokens && !('max_tokens' in input)) input.max_tokens = 4;
  if (schema.properties?.timeout_ms && !('timeout_ms' in input)) input.timeout_ms = 1_000;
  return input;
}
