import { z } from 'zod';
import type { PluginDefinition } from '../plugin-api/plugin.js';
import { optionRenames } from '../plugin-api/renamed-options.js';

/** A plugin without an options schema takes no options. */
const NO_OPTIONS = z.strictObject({});

/** The object schema options parse with, through preprocess pipes (renamedOptions), defaults and optionals; undefined for any other shape. */
export function optionsObject(schema: z.ZodType | undefined): z.ZodObject | undefined {
  let s: z.ZodType | undefined = schema ?? NO_OPTIONS;
  for (let depth = 0; s && depth < 8; depth++) {
    if (s instanceof z.ZodObject) return s;
    if (s instanceof z.ZodPipe) s = s.out as z.ZodType;
    else if (s instanceof z.ZodDefault || s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
    else return undefined;
  }
  return undefined;
}

/** Whether the object takes keys outside its shape (z.looseObject, .passthrough(), a catchall); z.object and z.strictObject do not. */
const takesAnyKey = (o: z.ZodObject) => {
  const c = o._zod.def.catchall;
  return c !== undefined && !(c instanceof z.ZodNever);
};

/** The schema under optional, default, nullable and pipe wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let depth = 0; depth < 8; depth++) {
    if (s instanceof z.ZodPipe) s = s.out as z.ZodType;
    else if (s instanceof z.ZodDefault || s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
    else break;
  }
  return s;
}

/** Keys of `raw` (at `path`) and of the objects inside it that `schema` does not know, as paths ("models[0].contxt_window"). */
function unknownKeys(schema: z.ZodType, raw: unknown, path: string, extraKnown: ReadonlySet<string> = new Set()): string[] {
  const s = unwrap(schema);
  if (s instanceof z.ZodArray && Array.isArray(raw)) return raw.flatMap((v, i) => unknownKeys(s.element as z.ZodType, v, `${path}[${i}]`));
  if (!(s instanceof z.ZodObject) || takesAnyKey(s) || !raw || typeof raw !== 'object' || Array.isArray(raw)) return [];
  const shape = s.shape as Record<string, z.ZodType>;
  return Object.entries(raw).flatMap(([k, v]) => {
    const at = path ? `${path}.${k}` : k;
    if (k in shape) return unknownKeys(shape[k], v, at);
    return extraKnown.has(k) ? [] : [at];
  });
}

/**
 * The option names in `raw` that the plugin's schema knows neither as an
 * option nor as an old name it renames, also inside nested entries (e.g. a
 * misspelt field of one of options.models, as "models[0].contxt_window").
 * Every plugin's options are checked this way at load, so a typo is refused
 * instead of silently dropped.
 */
export function unknownOptions(def: PluginDefinition, raw: unknown): string[] {
  const obj = optionsObject(def.options as z.ZodType | undefined);
  if (!obj) return [];
  return unknownKeys(obj, raw, '', new Set(Object.keys(optionRenames(def.options as z.ZodType | undefined))));
}

/** The names a plugin's options may use (for error messages). */
export const knownOptions = (def: PluginDefinition): string[] => Object.keys(optionsObject(def.options as z.ZodType | undefined)?.shape ?? {});

/**
 * The JSON Schema of a plugin's options as a config writes them: the
 * object's input form, closed to other keys unless the schema takes any,
 * with each renamed old name accepted and marked deprecated.
 */
export function optionsJsonSchema(def: PluginDefinition): Record<string, unknown> {
  const obj = optionsObject(def.options as z.ZodType | undefined);
  if (!obj) return { type: 'object' };
  const { $schema: _, ...schema } = z.toJSONSchema(obj, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown> & { properties?: Record<string, unknown> };
  const properties = { ...(schema.properties ?? {}) };
  for (const [old, now] of Object.entries(optionRenames(def.options as z.ZodType | undefined)))
    properties[old] = { ...(properties[now] as object), deprecated: true, description: `Deprecated: renamed to "${now}".` };
  return { ...schema, properties, ...(takesAnyKey(obj) ? {} : { additionalProperties: false }) };
}
