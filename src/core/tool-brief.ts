import type { z } from 'zod';

/** A JSON Schema object, as a tool's input schema shows it to a model. */
export type BriefSchema = Record<string, unknown>;

const briefs = new WeakMap<z.ZodType, BriefSchema>();

/**
 * Marks `schema` to be advertised to models (tools/list input schemas) as
 * `advertised`, a shorter JSON Schema, instead of its full conversion. The
 * zod schema still validates every call in full; the brief only saves the
 * model's context (a chat message's content-block union is 1,500 tokens
 * written out). It must accept at least what the zod schema accepts.
 */
export function brief<T extends z.ZodType>(schema: T, advertised: BriefSchema): T {
  briefs.set(schema, advertised);
  return schema;
}

/** The brief registered for `schema`, if any. */
export const briefOf = (schema: unknown): BriefSchema | undefined => briefs.get(schema as z.ZodType);
