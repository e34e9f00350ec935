import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { LlmosError } from '../core/errors.js';
import { describeIssues } from '../core/errors.js';
import { PolicyConfigSchema } from '../core/policy.js';

export const PluginEntrySchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
    module: z.string().min(1).describe('A path under plugins/ (e.g. "./plugins/sched-fcfs") or an npm package name.'),
    enabled: z.boolean().default(true),
    options: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();
export type PluginEntry = z.infer<typeof PluginEntrySchema>;

export const PluginConfigSchema = z
  .object({
    $schema: z.string().optional(),
    scheduler: z.string().min(1).optional().describe('The active scheduler, by the name a plugin registered it under (e.g. "fcfs", "sjf"); default: the first one registered.'),
    allocator: z.string().min(1).optional().describe('The active allocator, by the name a plugin registered it under (e.g. "bandit", "rules"); default: the first one registered.'),
    plugins: z.array(PluginEntrySchema).describe('Plugins in load order; dependsOn may reorder them.'),
    policy: PolicyConfigSchema.optional().describe(
      'Per-user policy: owner pattern ("user:alice", "user:*", "anonymous", "stdio", "*") → syscalls, models, budget (tokens, cost_usd, period), rpm, tpm, max_queued. Each field comes from the most specific pattern that sets it. Admins change it at run time with policy_set.',
    ),
  })
  .strict();
export type PluginConfig = z.infer<typeof PluginConfigSchema> & { dir: string; file: string };

/** Replaces ${VAR} in every string with the environment's value; a missing variable is an error naming it. */
export function interpolate(value: unknown, env: NodeJS.ProcessEnv, where = ''): unknown {
  if (typeof value === 'string')
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const v = env[name];
      if (v === undefined) throw new LlmosError('LLMOS_EPLUGIN', `${where}: environment variable ${name} is not set; export it or remove \${${name}} from the config.`);
      return v;
    });
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, `${where}[${i}]`));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env, where ? `${where}.${k}` : k)]));
  return value;
}

/** Reads, interpolates and validates a plugin config file. Failures are one line naming the file, plugin and field. */
export function readPluginConfig(file: string, env = process.env): PluginConfig {
  const path = resolve(file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new LlmosError('LLMOS_EPLUGIN', `cannot read plugin config ${path}: ${(e as Error).message}. Fix the file or point --config / LLMOS_CONFIG at another.`);
  }
  const parsed = PluginConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const idx = issue.path[0] === 'plugins' ? (issue.path[1] as number) : undefined;
    const name = idx !== undefined ? ((raw as { plugins?: Array<{ name?: string }> }).plugins?.[idx]?.name ?? `#${idx}`) : undefined;
    throw new LlmosError('LLMOS_EPLUGIN', `${path}${name ? `: plugin "${name}"` : ''}: ${describeIssues(parsed.error)}`);
  }
  // Only enabled plugins are interpolated: a disabled one may name variables that are not set.
  const plugins = parsed.data.plugins.map((p) => (p.enabled ? { ...p, options: interpolate(p.options, env, `plugin "${p.name}" options`) as Record<string, unknown> } : p));
  return { ...parsed.data, plugins, dir: dirname(path), file: path };
}

/** The JSON Schema shipped for editors ("$schema" in llmos.plugins.json). */
export const pluginConfigJsonSchema = (): unknown => z.toJSONSchema(PluginConfigSchema, { io: 'input' });

/** Per plugin name, options laid over the config's own, key by key (`--plugin-options`, `--param`). */
export type PluginOptionOverrides = Record<string, Record<string, unknown>>;

/**
 * The config with `overrides` merged into its plugins' options. Strict (the
 * default): an override naming a plugin the config does not list is an error;
 * otherwise it is ignored.
 */
export function withOptionOverrides<C extends Pick<PluginConfig, 'plugins'>>(config: C, overrides: PluginOptionOverrides = {}, strict = true): C {
  const listed = new Set(config.plugins.map((p) => p.name));
  const unknown = Object.keys(overrides).filter((n) => !listed.has(n));
  if (strict && unknown.length)
    throw new LlmosError('LLMOS_EINVAL', `plugin options name ${unknown.map((n) => `"${n}"`).join(', ')}, which the config does not list; check the name or add the plugin to the config (listed: ${[...listed].join(', ')}).`);
  return { ...config, plugins: config.plugins.map((p) => (overrides[p.name] ? { ...p, options: { ...p.options, ...overrides[p.name] } } : p)) };
}
