import semver from 'semver';
import { z } from 'zod';
import { describeIssues } from '../core/errors.js';
import type { PluginDefinition } from '../plugin-api/plugin.js';
import { deprecatedOptionNames } from '../plugin-api/renamed-options.js';
import { PLUGIN_API_VERSION } from '../plugin-api/version.js';
import { knownOptions, unknownOptions } from './options-schema.js';
import { pluginError } from './plugin-error.js';

/** Refuses a plugin built for a plugin API range that PLUGIN_API_VERSION is outside of (a plugin without apiVersion passes). */
export function checkApiVersion(def: PluginDefinition, provided = PLUGIN_API_VERSION): void {
  const range = def.apiVersion;
  if (range === undefined) return;
  if (!semver.validRange(range))
    throw pluginError(def.name, `apiVersion "${range}" is not a semver range; declare the plugin API it was built for, e.g. apiVersion: '^${provided}'.`);
  if (!semver.satisfies(provided, range))
    throw pluginError(
      def.name,
      `was built for plugin API ${range}; this LLMOS provides ${provided}. Install a version of the plugin built for ${semver.major(provided)}.x, or an LLMOS whose plugin API matches ${range}.`,
      { api_version: range, provided },
    );
}

/**
 * Parses a plugin's options with its schema; returns them and the deprecated
 * [old, new] names the raw options used. Options the schema does not know are
 * refused, naming them (a plugin without a schema takes none).
 */
export function parseOptions(def: PluginDefinition, raw: unknown): { options: unknown; deprecated: Array<[string, string]> } {
  const unknown = unknownOptions(def, raw);
  if (unknown.length) {
    const known = knownOptions(def);
    throw pluginError(def.name, `unknown option${unknown.length > 1 ? 's' : ''} ${unknown.slice(0, 10).map((k) => `"${k.slice(0, 60)}"`).join(', ')}; ${known.length ? `it takes ${known.join(', ')}` : 'it takes no options'}. Fix the spelling or remove ${unknown.length > 1 ? 'them' : 'it'} from llmos.plugins.json.`, { unknown_options: unknown.slice(0, 10) });
  }
  const schema = (def.options ?? z.strictObject({})) as z.ZodType;
  const r = schema.safeParse(raw ?? {});
  if (!r.success) throw pluginError(def.name, `invalid options: ${describeIssues(r.error).replace(/^/, 'options.')}`);
  return { options: r.data, deprecated: deprecatedOptionNames(def.options, raw) };
}
