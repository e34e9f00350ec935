import type { LoadedPlugin } from '../loader/loader.js';
import { probeBolt, probeHttp, probeRedis, type ProbeResult } from './endpoint-probe.js';

/** One line of `llmos doctor`. */
export interface Check {
  level: 'ok' | 'warn' | 'fail';
  name: string;
  detail: string;
}

type Opts = Record<string, unknown> & { models?: unknown[] };
const optionsOf = (plugins: LoadedPlugin[], name: string): Opts | undefined => plugins.find((p) => p.def.name === name)?.options as Opts | undefined;

/** Backends whose models are listed in options.models, and the path under base_url that answers a GET. */
const LISTED_BACKENDS: Record<string, string> = { 'model-openai': '/models', 'model-anthropic': '/v1/models' };
const EXAMPLE_ID: Record<string, string> = { 'model-openai': 'gpt-4o-mini', 'model-anthropic': 'claude-sonnet-4-5' };

/** Whether the config can run a task: a model, a scheduler and an allocator. */
export function taskChecks(plugins: LoadedPlugin[], policies: { scheduler: string | null; allocator: string | null }): Check[] {
  const checks: Check[] = [];
  let models = 0;
  for (const backend of Object.keys(LISTED_BACKENDS)) {
    const o = optionsOf(plugins, backend);
    if (!o) continue;
    const n = o.models?.length ?? 0;
    models += n;
    if (!n) checks.push({ level: 'warn', name: backend, detail: `options.models is empty, so it serves no model; list the models the endpoint serves, e.g. "models": [{ "id": "${EXAMPLE_ID[backend]}" }].` });
  }
  if (optionsOf(plugins, 'model-llamacpp')) models += 1;
  const sampling = !!optionsOf(plugins, 'model-sampling');
  if (models === 0)
    checks.push({ level: 'warn', name: 'models', detail: `no model is configured${sampling ? ' (model-sampling serves one only to clients that offer sampling)' : ''}, so no task can run; enable model-llamacpp or list models in model-openai / model-anthropic options.` });
  else checks.push({ level: 'ok', name: 'models', detail: `${models} configured${sampling ? ', plus sampling clients' : ''}` });
  checks.push(
    policies.scheduler
      ? { level: 'ok', name: 'scheduler', detail: policies.scheduler }
      : { level: 'warn', name: 'scheduler', detail: 'none: processes are accepted but never run; enable a sched-* plugin (e.g. sched-fcfs).' },
    policies.allocator
      ? { level: 'ok', name: 'allocator', detail: policies.allocator }
      : { level: 'warn', name: 'allocator', detail: 'none: model "auto" cannot be placed; enable an alloc-* plugin (e.g. alloc-rules).' },
  );
  return checks;
}

/** Every endpoint the config names, probed within `timeoutMs` each: model HTTP base URLs, Neo4j's Bolt, Redis. */
export async function endpointChecks(plugins: LoadedPlugin[], timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<Check[]> {
  const probes: Array<[string, string, Promise<ProbeResult>]> = [];
  for (const [backend, path] of Object.entries(LISTED_BACKENDS)) {
    const o = optionsOf(plugins, backend);
    // The plugin's base_url, and any a model entry sets for itself; each probed once.
    const urls = new Set((o?.models ?? []).map((m) => (m as { base_url?: unknown }).base_url ?? o?.base_url).filter((u): u is string => typeof u === 'string'));
    for (const u of urls) probes.push([backend, u, probeHttp(u.replace(/\/+$/, '') + path, timeoutMs)]);
  }
  const neo4j = optionsOf(plugins, 'kg-neo4j');
  if (neo4j) {
    const uri = (neo4j.uri as string | undefined) ?? env.NEO4J_URI ?? 'bolt://127.0.0.1:7687';
    probes.push(['kg-neo4j', uri, probeBolt(uri, timeoutMs)]);
  }
  const redis = optionsOf(plugins, 'queue-redis');
  if (redis && typeof redis.url === 'string') probes.push(['queue-redis', redis.url, probeRedis(redis.url, timeoutMs)]);
  const out: Check[] = [];
  for (const [name, where, probe] of probes) {
    const r = await probe.catch((e: unknown): ProbeResult => ({ ok: false, detail: e instanceof Error ? e.message : String(e) }));
    out.push(r.ok ? { level: 'ok', name, detail: `${where} answers (${r.detail})` } : { level: 'fail', name, detail: `${where} does not answer (${r.detail}); start it or fix the URL in the plugin's options.` });
  }
  return out;
}
