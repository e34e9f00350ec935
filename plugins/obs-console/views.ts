import { procRecord, taskText, type KernelApi, type ModelView, type PerfTable, type ProcView } from '../../src/plugin-api/index.js';
import type { Caller } from './caller.js';
import type { ExitHistory, ExitSample } from './history.js';

/** One row of the process table: what `top` would show. */
export function procRow(p: ProcView, now = Date.now()) {
  const waited = p.started !== undefined ? p.started - p.created : p.state === 'exited' ? (p.finished ?? now) - p.created : now - p.created;
  const { pid, ppid, kind, state, exit, owner, priority } = procRecord(p);
  return {
    pid,
    ppid,
    kind,
    state,
    exit,
    owner,
    model: p.model ?? p.task.model,
    priority,
    wait_ms: Math.max(0, waited),
    tokens_in: p.usage.prompt_tokens,
    tokens_out: p.usage.completion_tokens || p.streamed,
    cost_usd: p.usage.cost_usd,
    created: p.created,
    finished: p.finished ?? null,
    error: p.error?.code ?? null,
    prompt: taskText(p.task).slice(0, 120),
    attempts: p.attempts.length,
  };
}
export type ProcRow = ReturnType<typeof procRow>;

const modelRow = (m: ModelView, samples: ExitSample[]) => {
  const mine = samples.filter((s) => s.model === m.info.id);
  const lat = mine.filter((s) => s.latency_ms > 0).map((s) => s.latency_ms);
  return {
    id: m.info.id,
    status: m.status,
    circuit: m.cooldownUntil > Date.now() ? 'open' : 'closed',
    healthy: m.lastHealth ? m.lastHealth.ok : null,
    slots: m.info.concurrency,
    slots_in_use: m.slotsInUse,
    inflight: m.inflight,
    latency_ms: lat.length ? Math.round(lat.reduce((a, b) => a + b, 0) / lat.length) : (m.lastHealth?.latency_ms ?? null),
    price_in_per_1k: m.info.pricing.input_per_1k,
    price_out_per_1k: m.info.pricing.output_per_1k,
    calls: mine.length,
    cost_usd: mine.reduce((a, s) => a + s.cost_usd, 0),
  };
};

/** Accuracy against mean cost per model, from the performance table when model-core keeps one. */
function accuracyVsCost(perf: PerfTable | undefined, models: string[]) {
  if (!perf || !models.length) return [];
  const by = new Map<string, { acc: number; n: number; cost: number; nc: number }>();
  for (const r of perf.rows({ models })) {
    const a = by.get(r.model) ?? { acc: 0, n: 0, cost: 0, nc: 0 };
    if (r.accuracy !== null) (a.acc += r.accuracy * r.n_accuracy), (a.n += r.n_accuracy);
    if (r.n_cost) (a.cost += r.cost_usd * r.n_cost), (a.nc += r.n_cost);
    by.set(r.model, a);
  }
  return [...by].filter(([, a]) => a.n > 0).map(([model, a]) => ({ model, accuracy: a.acc / a.n, cost_usd: a.nc ? a.cost / a.nc : 0 }));
}

/**
 * Everything the console shows, as `caller` may see it: its own processes (an
 * admin's: everyone's), the models it may use, its own budget (an admin's:
 * every account seen), queues, and the history behind the charts.
 */
export async function snapshot(kernel: KernelApi, caller: Caller, history: ExitHistory, perf: PerfTable | undefined, maxRows: number) {
  const see = (owner: string) => caller.admin || owner === caller.owner;
  const procs: ProcRow[] = [];
  const byClass: Record<string, number> = {};
  const now = Date.now();
  for (const p of kernel.procs()) {
    if (p.state === 'ready') byClass[p.priority] = (byClass[p.priority] ?? 0) + 1;
    if (see(p.owner)) procs.push(procRow(p, now));
  }
  const samples = history.visible(see);
  const models = kernel.models().filter((m) => caller.admin || !m.info.owner || m.info.owner === caller.owner);
  const owners = caller.admin ? [...new Set([caller.owner, ...samples.map((s) => s.owner), ...procs.map((p) => p.owner)])] : [caller.owner];
  return {
    me: caller,
    at: now,
    procs: procs.slice(-maxRows).reverse(),
    queues: { scheduler: kernel.scheduler().name, allocator: kernel.allocator().name, queued: kernel.scheduler().size(), by_class: byClass },
    models: models.map((m) => modelRow(m, samples)),
    budgets: await Promise.all(owners.slice(0, 50).map(async (o) => ({ owner: o, ...(await kernel.budget(o)) }))),
    spend: samples.map((s) => ({ at: s.at, cost_usd: s.cost_usd })),
    waits_ms: samples.map((s) => s.wait_ms),
    accuracy_vs_cost: accuracyVsCost(perf, models.map((m) => m.info.id)),
  };
}
