import fc from 'fast-check';

/** The part of JSON Schema (draft-07, as zod emits it for tools/list) the fuzzer reads. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

/** Realistic values for a property name, mixed into the schema's own so that calls reach real objects (pids, models, entities). */
export type Hints = Record<string, fc.Arbitrary<unknown>>;

/** Generated strings and arrays stay short: size bombs come from the hostile values, not from here. */
const MAX_STRING = 24;
const MAX_ARRAY = 4;

const text = (min: number, max: number) =>
  fc.oneof(fc.string({ minLength: min, maxLength: max }), fc.string({ unit: 'grapheme', minLength: min, maxLength: max }), fc.string({ unit: 'binary', minLength: min, maxLength: max }));

function stringOf(s: JsonSchema): fc.Arbitrary<string> {
  const min = s.minLength ?? 0;
  const max = Math.max(min, Math.min(s.maxLength ?? MAX_STRING, MAX_STRING));
  if (s.pattern) return fc.stringMatching(new RegExp(s.pattern), { maxLength: max }).filter((x) => x.length >= min);
  if (s.format === 'uri') return fc.constantFrom('http://127.0.0.1:9/v1', 'http://localhost:9/v1', 'http://[::1]:9/v1', 'file:///etc/passwd', 'http://169.254.169.254/latest');
  return text(min, max);
}

function integerOf(s: JsonSchema): fc.Arbitrary<number> {
  const min = s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : (s.minimum ?? Number.MIN_SAFE_INTEGER);
  const max = s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : (s.maximum ?? Number.MAX_SAFE_INTEGER);
  const near = fc.integer({ min, max: Math.min(max, min + 16) });
  return fc.oneof(near, fc.constantFrom(min, max), fc.integer({ min, max }));
}

function numberOf(s: JsonSchema): fc.Arbitrary<number> {
  const min = s.minimum ?? s.exclusiveMinimum ?? -1e308;
  const max = s.maximum ?? s.exclusiveMaximum ?? 1e308;
  return fc
    .double({ min, max, noNaN: true, noDefaultInfinity: true })
    .filter((x) => (s.exclusiveMinimum === undefined || x > s.exclusiveMinimum) && (s.exclusiveMaximum === undefined || x < s.exclusiveMaximum));
}

function objectOf(s: JsonSchema, hints: Hints): fc.Arbitrary<Record<string, unknown>> {
  const props = Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, hinted(k, fromSchema(v, hints), hints)]));
  const known = fc.record(props, { requiredKeys: (s.required ?? []).filter((k) => k in props) });
  if (!s.additionalProperties || Object.keys(props).length) return known;
  const value = s.additionalProperties === true || !Object.keys(s.additionalProperties).length ? fc.jsonValue({ maxDepth: 2 }) : fromSchema(s.additionalProperties, hints);
  return fc.dictionary(fc.string({ maxLength: 12 }), value, { maxKeys: 4 });
}

const hinted = (key: string, arb: fc.Arbitrary<unknown>, hints: Hints) => (hints[key] ? fc.oneof(arb, hints[key]) : arb);

/** An arbitrary of values that (mostly) satisfy the schema; unknown constructs give any JSON value. */
export function fromSchema(s: JsonSchema, hints: Hints = {}): fc.Arbitrary<unknown> {
  if ('const' in s) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((a) => fromSchema(a, hints)));
  if (Array.isArray(s.type)) return fc.oneof(...s.type.map((type) => fromSchema({ ...s, type }, hints)));
  switch (s.type) {
    case 'string':
      return stringOf(s);
    case 'integer':
      return integerOf(s);
    case 'number':
      return numberOf(s);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'object':
      return objectOf(s, hints);
    case 'array': {
      const minLength = s.minItems ?? 0;
      return fc.array(fromSchema(s.items ?? {}, hints), { minLength, maxLength: Math.max(minLength, Math.min(s.maxItems ?? MAX_ARRAY, MAX_ARRAY)) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}
