import { Counter, type Registry } from 'prom-client';
import type { ProcView } from '../../src/plugin-api/index.js';
import { FastHistogram, type HistogramChild } from './fast-histogram.js';
import type { LabelCap } from './label-cap.js';
import { bump, ModelTable, type ModelSeries } from './model-series.js';

/** OpenTelemetry GenAI's advised buckets: seconds for durations, tokens for usage. */
const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576];
const WAIT_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** The caps every label drawn from client input goes through. */
export interface Caps {
  owner: LabelCap;
  model: LabelCap;
  code: LabelCap;
}

/**
 * The metrics fed by process events. The event path only does map lookups
 * and additions on series resolved once per label set (FastHistogram
 * children, plain counts); counters reach prom-client when /metrics is
 * scraped (collect callbacks). Names follow the OpenTelemetry GenAI semantic
 * conventions where one exists (dots become underscores, seconds get the
 * _seconds suffix).
 */
export class EventMetrics {
  private readonly waitByClass: HistogramChild[];
  private readonly models: ModelTable;
  private readonly exits = new Map<string, number>();
  private readonly errors = new Map<string, number>();
  private readonly syscalls: FastHistogram<'syscall' | 'outcome'>;
  private readonly syscallChildren = new Map<string, HistogramChild>();

  constructor(
    reg: Registry,
    private readonly caps: Caps,
    private readonly allocatorName: () => string,
  ) {
    const queueWait = new FastHistogram('llmos_queue_wait_seconds', 'Time a process waited READY before the dispatcher picked it, by scheduler class (priority 0-9).', ['class'], WAIT_BUCKETS, reg);
    this.waitByClass = Array.from({ length: 10 }, (_, c) => queueWait.child(String(c)));
    this.models = new ModelTable(
      {
        duration: new FastHistogram('gen_ai_client_operation_duration_seconds', 'Duration of each model call (attempt), by model; error_type is set when it failed.', ['gen_ai_operation_name', 'gen_ai_request_model', 'error_type'], DURATION_BUCKETS, reg),
        ttft: new FastHistogram('gen_ai_server_time_to_first_token_seconds', 'Time from the start of a streamed model call to its first token, by model.', ['gen_ai_request_model'], TTFT_BUCKETS, reg),
        tokens: new FastHistogram('gen_ai_client_token_usage', 'Tokens per process, input (prompt) and output (completion), by model.', ['gen_ai_operation_name', 'gen_ai_request_model', 'gen_ai_token_type'], TOKEN_BUCKETS, reg),
      },
      caps.model,
    );
    this.syscalls = new FastHistogram('llmos_syscall_duration_seconds', 'Syscall latency by name (kg_* are the knowledge-graph operations); outcome is ok or the error code.', ['syscall', 'outcome'], WAIT_BUCKETS, reg);
    this.counters(reg);
  }

  /** A process left READY (picked by the dispatcher). */
  leftReady(p: ProcView, now: number): void {
    this.waitByClass[p.priority]?.observe(Math.max(0, now - p.readyAt) / 1000);
  }

  /** A syscall finished in `ms`; `code` is its error code when it failed. */
  syscallDone(name: string, ms: number, code: string | undefined): void {
    const outcome = code === undefined ? 'ok' : this.caps.code.of(code);
    const key = outcome === 'ok' ? name : `${name}\u0000${outcome}`; // builds a key only for failures
    let c = this.syscallChildren.get(key);
    if (!c) this.syscallChildren.set(key, (c = this.syscalls.child(name, outcome)));
    c.observe(ms / 1000);
  }

  /** A process exited: everything its record says about its calls. */
  exited(p: ProcView): void {
    bump(this.exits, p.exit ?? 'unknown');
    if (p.error) bump(this.errors, this.caps.code.of(p.error.code));
    if (p.kind === 'group') return;
    const op = p.task.embed ? 'embeddings' : 'chat';
    this.attempts(p, op);
    if (!p.model) return;
    const m = this.models.of(p.model);
    const s = m.op(op);
    s.tokensIn.observe(p.usage.prompt_tokens);
    if (op === 'chat') s.tokensOut.observe(p.usage.completion_tokens);
    if (p.usage.cost_usd > 0) bump(m.costByOwner, this.caps.owner.of(p.owner), p.usage.cost_usd);
    if (p.allocation) bump(this.models.of(p.allocation.model).allocations, this.allocatorName());
  }

  private attempts(p: ProcView, op: string): void {
    let prev: ModelSeries | undefined;
    for (const a of p.attempts) {
      const m = this.models.of(a.model);
      if (a.finished !== undefined) {
        const s = m.op(op);
        (a.error ? s.failedWith(this.caps.code.of(a.error.code)) : s.ok).observe(Math.max(0, a.finished - a.started) / 1000);
      }
      if (a.first_token !== undefined) m.ttft.observe(Math.max(0, a.first_token - a.started) / 1000);
      if (prev) {
        m.retries++;
        if (prev !== m) bump(m.fallbacksFrom, prev.model);
      }
      prev = m;
    }
  }

  /** The counters, each filled from the plain counts when /metrics is scraped. */
  private counters(reg: Registry): void {
    const models = () => this.models.byLabel.values();
    const counter = <L extends string>(name: string, help: string, labelNames: L[], fill: (add: (labels: Record<L, string>, v: number) => void) => void) =>
      new Counter<L>({
        name,
        help,
        labelNames,
        registers: [reg],
        collect() {
          this.reset();
          fill((labels, v) => this.inc(labels, v));
        },
      });
    counter('llmos_cost_usd_total', 'Spend in US dollars, by model and owner.', ['model', 'owner'], (add) => {
      for (const m of models()) for (const [owner, v] of m.costByOwner) add({ model: m.model, owner }, v);
    });
    counter('llmos_process_exits_total', 'Processes that exited, by exit status.', ['status'], (add) => this.exits.forEach((v, status) => add({ status }, v)));
    counter('llmos_errors_total', 'Processes that exited with an error, by LLMOS error code.', ['code'], (add) => this.errors.forEach((v, code) => add({ code }, v)));
    counter('llmos_retries_total', 'Model calls made after a failed one for the same process, by the model retried on.', ['model'], (add) => {
      for (const m of models()) if (m.retries) add({ model: m.model }, m.retries);
    });
    counter('llmos_fallbacks_total', 'Retries that moved to another model.', ['from_model', 'to_model'], (add) => {
      for (const m of models()) for (const [from, v] of m.fallbacksFrom) add({ from_model: from, to_model: m.model }, v);
    });
    counter('llmos_allocations_total', 'Allocator choices, by allocator and chosen model.', ['allocator', 'model'], (add) => {
      for (const m of models()) for (const [allocator, v] of m.allocations) add({ allocator, model: m.model }, v);
    });
  }
}
