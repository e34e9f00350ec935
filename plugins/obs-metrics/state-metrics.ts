import { Gauge, type Registry } from 'prom-client';
import type { KernelApi, ProcState } from '../../src/plugin-api/index.js';
import type { Caps } from './event-metrics.js';

const STATES: readonly ProcState[] = ['new', 'ready', 'blocked', 'running', 'exited'];

/**
 * The metrics read from the kernel at scrape time, so they cost nothing per
 * request: processes by state, queue depth by class, each model's slots,
 * health and circuit, and the budget left to each owner seen so far.
 */
export function stateMetrics(reg: Registry, kernel: KernelApi, caps: Caps): void {
  const r = [reg];
  new Gauge({
    name: 'llmos_processes',
    help: 'Processes in the table by state (exited ones until they are reaped).',
    labelNames: ['state'],
    registers: r,
    collect() {
      const n = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<ProcState, number>;
      for (const p of kernel.procs()) n[p.state]++;
      for (const s of STATES) this.set({ state: s }, n[s]);
    },
  });
  new Gauge({
    name: 'llmos_queue_depth',
    help: 'READY processes waiting for the dispatcher, by scheduler class (priority 0-9).',
    labelNames: ['class'],
    registers: r,
    collect() {
      const n = new Array<number>(10).fill(0);
      for (const p of kernel.procs()) if (p.state === 'ready') n[p.priority]++;
      n.forEach((v, c) => this.set({ class: String(c) }, v));
    },
  });
  modelMetrics(r, kernel, caps);
  budgetMetrics(r, kernel, caps);
}

function modelMetrics(r: Registry[], kernel: KernelApi, caps: Caps): void {
  const perModel = (name: string, help: string, value: (m: ReturnType<KernelApi['models']>[number]) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['model'],
      registers: r,
      collect() {
        this.reset();
        for (const m of kernel.models()) this.set({ model: caps.model.of(m.info.id) }, value(m));
      },
    });
  perModel('llmos_model_slots_in_use', 'Model slots held by calls now.', (m) => m.slotsInUse);
  perModel('llmos_model_slots', 'Model slots in all (its concurrency).', (m) => m.info.concurrency);
  perModel('llmos_model_circuit_open', 'Whether the model\'s circuit breaker is open (1) or closed (0).', (m) => (m.cooldownUntil > Date.now() ? 1 : 0));
  perModel('llmos_model_up', 'Whether the last health probe passed (1), failed (0); -1 before any probe.', (m) => (m.lastHealth ? (m.lastHealth.ok ? 1 : 0) : -1));
  perModel('llmos_model_draining', 'Whether the model takes no new work (1).', (m) => (m.status === 'draining' ? 1 : 0));
}

function budgetMetrics(r: Registry[], kernel: KernelApi, caps: Caps): void {
  const perOwner = (name: string, help: string, value: (b: Awaited<ReturnType<KernelApi['budget']>>) => number | undefined) =>
    new Gauge({
      name,
      help,
      labelNames: ['owner'],
      registers: r,
      async collect() {
        this.reset();
        for (const owner of caps.owner.values()) {
          const v = value(await kernel.budget(owner));
          if (v !== undefined) this.set({ owner }, v);
        }
      },
    });
  perOwner('llmos_budget_remaining_usd', 'Cost budget left this period (limit - spent - reserved), for owners with a cost limit.', (b) =>
    b.limit.cost_usd === undefined ? undefined : b.limit.cost_usd - b.spent.cost_usd - b.reserved.cost_usd,
  );
  perOwner('llmos_budget_remaining_tokens', 'Token budget left this period, for owners with a token limit.', (b) =>
    b.limit.tokens === undefined ? undefined : b.limit.tokens - b.spent.tokens - b.reserved.tokens,
  );
  perOwner('llmos_spend_usd', 'Spend this budget period, by owner.', (b) => b.spent.cost_usd);
}
