import { toJSONSchema, type z } from 'zod';
import { briefOf } from '../core/tool-brief.js';

type Json = Record<string, unknown>;

/** zod's bounds on .int(): ±2^53-1, true of every JSON integer a client can send, so they only cost tokens. */
const SAFE_INT = Number.MAX_SAFE_INTEGER;

/** Size bounds a model never needs to see: the server enforces them, and names the field when an input breaks one. */
const SIZE_BOUNDS = new Set(['minLength', 'maxLength', 'minItems', 'maxItems', 'exclusiveMinimum']);

/** A default longer than this (as JSON; e.g. a prompt template) is left to the description: the server applies it anyway. */
const LONG_DEFAULT = 60;

/**
 * A syscall's zod object schema as the JSON Schema tools/list advertises:
 * input schemas for the model (briefs in place of the fields that register
 * one, no `$schema`, no size bounds: the server checks those; no long
 * defaults: the server applies them), output schemas in full (draft-07,
 * which the SDK client's validator reads). Either is made portable: a
 * free-form value's `{}` (which accepts anything, and which strict clients
 * flag as untyped) becomes `additionalProperties: true` on an object, and
 * `propertyNames: {type: string}` (always true in JSON) is dropped, and a
 * `type` list (zod's nullable) is spelled as anyOf single types, which
 * single-type dialects (Gemini's OpenAPI subset) read.
 */
export function toolSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const out = toJSONSchema(schema, {
    target: 'draft-07',
    io,
    unrepresentable: 'any',
    override: io === 'input' ? ({ zodSchema, jsonSchema }) => replaceWithBrief(zodSchema, jsonSchema as Json) : undefined,
  }) as Json;
  if (io === 'input') delete out.$schema;
  return portable(out, io) as Json;
}

function replaceWithBrief(zodSchema: unknown, jsonSchema: Json): void {
  const b = briefOf(zodSchema);
  if (!b) return;
  const description = jsonSchema.description;
  for (const k of Object.keys(jsonSchema)) delete jsonSchema[k];
  Object.assign(jsonSchema, structuredClone(b), description !== undefined && b.description === undefined ? { description } : {});
}

/** The schema with the rewrites toolSchema describes, applied at every depth. */
function portable(node: unknown, io: 'input' | 'output'): unknown {
  if (Array.isArray(node)) return node.map((n) => portable(n, io));
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === 'propertyNames' && isStringOnly(v)) continue;
    if (io === 'input' && (SIZE_BOUNDS.has(k) || (k === 'maximum' && v === SAFE_INT) || (k === 'minimum' && v === -SAFE_INT) || (k === 'default' && JSON.stringify(v).length > LONG_DEFAULT))) continue;
    if (k === 'additionalProperties' && isEmpty(v)) out[k] = true;
    else if (k === 'type' && Array.isArray(v)) out.anyOf = v.map((type) => ({ type }));
    else out[k] = k === 'properties' || k === '$defs' || k === 'definitions' ? mapValues(v as Json, io) : portable(v, io);
  }
  return out;
}

const mapValues = (o: Json, io: 'input' | 'output'): Json => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, portable(v, io)]));
const isEmpty = (v: unknown) => !!v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0;
const isStringOnly = (v: unknown) => !!v && typeof v === 'object' && Object.keys(v).length === 1 && (v as Json).type === 'string';
