import { z } from 'zod';

/** Old option name → new option name, for one options object. */
export type OptionRenames = Readonly<Record<string, string>>;

/** The renames each renamedOptions() schema accepts, read by the loader to warn about old names. */
const renameRegistry = z.registry<{ renames: OptionRenames }>();

/** Moves every old name present to its new name; when both are given the new one wins. Non-objects pass through. */
function moveRenamed(raw: unknown, renames: OptionRenames): unknown {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const out: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  for (const [old, now] of Object.entries(renames)) {
    if (!(old in out)) continue;
    if (!(now in out)) out[now] = out[old];
    delete out[old];
  }
  return out;
}

/**
 * An options schema that also accepts renamed options under their old
 * names, so a config written for an older version keeps loading. The loader
 * logs one deprecation warning per old name it finds (old → new), through
 * the plugin's logger. A plugin declares only its renames:
 *
 *   options: renamedOptions(z.object({ api_key_env: … }), { apiKeyEnv: 'api_key_env' })
 */
export function renamedOptions<S extends z.ZodType>(schema: S, renames: OptionRenames): z.ZodPreprocess<S> {
  const renamed = z.preprocess((raw) => moveRenamed(raw, renames), schema);
  renameRegistry.add(renamed, { renames });
  return renamed;
}

/** The [old, new] names that `raw` uses from the renames of `schema` (looked up through wrapping preprocess steps). */
export function deprecatedOptionNames(schema: z.ZodType | undefined, raw: unknown): Array<[string, string]> {
  return raw && typeof raw === 'object' ? Object.entries(optionRenames(schema)).filter(([old]) => old in raw) : [];
}

/** Old option name → new, as declared with renamedOptions() on `schema` (looked up through wrapping preprocess steps); {} when none. */
export function optionRenames(schema: z.ZodType | undefined): OptionRenames {
  for (let s = schema; s; s = pipedInto(s)) {
    const renames = renameRegistry.get(s)?.renames;
    if (renames) return renames;
  }
  return {};
}

/** The schema a pipe (z.preprocess) feeds into; undefined for any other schema. */
const pipedInto = (s: z.ZodType): z.ZodType | undefined => (s instanceof z.ZodPipe ? (s.out as z.ZodType) : undefined);
