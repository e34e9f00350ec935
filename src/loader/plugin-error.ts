import { LlmosError } from '../core/errors.js';

/** A loader failure about one plugin: `plugin "name": …`. */
export const pluginError = (plugin: string, msg: string, data: Record<string, unknown> = {}) =>
  new LlmosError('LLMOS_EPLUGIN', `plugin "${plugin}": ${msg}`, { plugin, ...data });

/**
 * What a plugin's register(), start() or stop() threw, as an LlmosError that
 * names the plugin: an LlmosError keeps its code and gains the name if its
 * message lacks it; anything else becomes LLMOS_EPLUGIN with the original
 * message. The original error is kept as `cause`.
 */
export function namePluginError(plugin: string, phase: string, e: unknown): LlmosError {
  const tag = `plugin "${plugin}"`;
  if (e instanceof LlmosError && e.message.includes(tag)) return e;
  const err =
    e instanceof LlmosError
      ? new LlmosError(e.code, `${tag}: ${e.message}`, { plugin, ...e.data })
      : pluginError(plugin, `${phase} failed: ${e instanceof Error ? e.message : String(e)}. Fix the cause, or disable the plugin in llmos.plugins.json ("enabled": false).`);
  return Object.assign(err, { cause: e });
}
