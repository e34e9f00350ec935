import { Command } from 'commander';
import { bootOffline } from '../boot.js';
import { isLlmosError } from '../core/errors.js';
import { readPluginConfig } from '../loader/config.js';
import { checkPlugins, type LoadedPlugin } from '../loader/loader.js';
import { configPath } from '../loader/resolve.js';
import { endpointChecks, taskChecks, type Check } from './doctor-checks.js';
import { remoteUrl } from './remote.js';

const message = (e: unknown) => (isLlmosError(e) ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e));

/** The LLMOS_* variables the server and the CLI read: numbers and log level (params), auth tokens, LLMOS_URL. */
async function environmentCheck(): Promise<Check> {
  try {
    const [{ checkEnvironment }, { parseUserTokens }] = await Promise.all([import('../kernel/params.js'), import('../mcp/http-guard.js')]);
    checkEnvironment();
    parseUserTokens(process.env.LLMOS_AUTH_TOKENS);
    if (process.env.LLMOS_URL) remoteUrl({});
    return { level: 'ok', name: 'environment', detail: 'LLMOS_* values are usable' };
  } catch (e) {
    return { level: 'fail', name: 'environment', detail: message(e) };
  }
}

/** The config read and its plugins checked by the loader (names, API versions, options, dependencies), none registered. */
async function pluginChecks(file: string): Promise<{ checks: Check[]; plugins?: LoadedPlugin[] }> {
  let config;
  try {
    config = readPluginConfig(file);
  } catch (e) {
    return { checks: [{ level: 'fail', name: 'config', detail: message(e) }] };
  }
  const checks: Check[] = [{ level: 'ok', name: 'config', detail: file }];
  try {
    const { ordered, deprecated } = await checkPlugins(config);
    checks.push({ level: 'ok', name: 'plugins', detail: `${ordered.length} enabled: ${ordered.map((p) => p.def.name).join(', ')}` });
    for (const [name, renames] of deprecated)
      for (const [old, now] of renames) checks.push({ level: 'warn', name, detail: `option "${old}" is deprecated; rename it to "${now}".` });
    return { checks, plugins: ordered };
  } catch (e) {
    return { checks: [...checks, { level: 'fail', name: 'plugins', detail: message(e) }] };
  }
}

/** The active scheduler and allocator, from the policy plugins registered in a throw-away data dir (never started). */
async function activePolicies(file: string): Promise<{ scheduler: string | null; allocator: string | null } | Check> {
  try {
    const { kernel, close } = await bootOffline({ config: file, provides: ['scheduler', 'allocator'] });
    const out = { scheduler: kernel.schedulers.activeName() ?? null, allocator: kernel.allocators.activeName() ?? null };
    await close();
    return out;
  } catch (e) {
    return { level: 'fail', name: 'policies', detail: message(e) };
  }
}

/** Every check, in order; later ones run only when what they need passed. */
export async function doctor(file: string, timeoutMs: number): Promise<Check[]> {
  const env = await environmentCheck();
  const { checks, plugins } = await pluginChecks(file);
  if (!plugins) return [env, ...checks];
  const policies = env.level === 'ok' ? await activePolicies(file) : { scheduler: null, allocator: null };
  const tasks = 'level' in policies ? [policies] : taskChecks(plugins, policies);
  return [env, ...checks, ...tasks, ...(await endpointChecks(plugins, timeoutMs))];
}

/** `llmos doctor`: validates the config without loading models or writing files, says whether it can run a task, and probes its endpoints. */
export function doctorCommand(): Command {
  return new Command('doctor')
    .description('Check a config without starting it: plugins and options, whether a task can run, and that every endpoint answers')
    .option('-c, --config <file>', 'plugin config (default: $LLMOS_CONFIG or ./llmos.plugins.json)')
    .option('--timeout <ms>', 'how long each endpoint may take to answer', '3000')
    .option('--json', 'print the checks as JSON')
    .action(async (o: { config?: string; timeout: string; json?: boolean }) => {
      const timeout = Math.min(60_000, Math.max(100, Number(o.timeout) || 3000));
      const checks = await doctor(configPath(o.config), timeout);
      if (o.json) process.stdout.write(JSON.stringify(checks, null, 2) + '\n');
      else for (const c of checks) process.stdout.write(`${c.level.padEnd(4)}  ${c.name}: ${c.detail}\n`);
      if (checks.some((c) => c.level === 'fail')) process.exitCode = 1;
    });
}
