import { Counter, Histogram, type Registry } from 'prom-client';
import type { ProcView } from '../../src/plugin-api/index.js';
import type { LabelCap } from './label-cap.js';

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
 * The metrics fed by process events, each O(1) per event: queue wait when a
 * process leaves READY; per attempt and per exit, the GenAI duration, time to
 * first token, token usage, cost, errors, retries, fallbacks and allocator
 * choices. Names follow the OpenTelemetry GenAI semantic conventions where one
 * exists (dots become underscores, seconds get the _seconds suffix).
 */
export class EventMetrics {
  readonly queueWait: Histogram<'class'>;
  private readonly duration: Histogram<'gen_ai_operation_name' | 'gen_ai_request_model' | 'error_type'>;
  private readonly ttft: Histogram<'gen_ai_request_model'>;
  private readonly tokens: Histogram<'gen_ai_operation_name' | 'gen_ai_request_model' | 'gen_ai_token_type'>;
  private readonly cost: Counter<'model' | 'owner'>;
  private readonly exits: Counter<'status'>;
  private readonly errors: Counter<'code'>;
  private readonly retries: Counter<'model'>;
  private readonly fallbacks: Counter<'from_model' | 'to_model'>;
  private readonly allocations: Counter<'allocator' | 'model'>;
  readonly syscalls: Histogram<'syscall' | 'outcome'>;

  constructor(
    reg: Registry,
    private readonly caps: Caps,
    private readonly allocatorName: () => string,
  ) {
    const r = [reg];
    this.queueWait = new Histogram({ name: 'llmos_queue_wait_seconds', help: 'Time a process waited READY before the dispatcher picked it, by scheduler class (priority 0-9).', labelNames: ['class'], buckets: WAIT_BUCKETS, registers: r });
    this.duration = new Histogram({ name: 'gen_ai_client_operation_duration_seconds', help: 'Duration of each model call (attempt), by model; error_type is set when it failed.', labelNames: ['gen_ai_operation_name', 'gen_ai_request_model', 'error_type'], buckets: DURATION_BUCKETS, registers: r });
    this.ttft = new Histogram({ name: 'gen_ai_server_time_to_first_token_seconds', help: 'Time from the start of a streamed model call to its first token, by model.', labelNames: ['gen_ai_request_model'], buckets: TTFT_BUCKETS, registers: r });
    this.tokens = new Histogram({ name: 'gen_ai_client_token_usage', help: 'Tokens per process, input (prompt) and output (completion), by model.', labelNames: ['gen_ai_operation_name', 'gen_ai_request_model', 'gen_ai_token_type'], buckets: TOKEN_BUCKETS, registers: r });
    this.cost = new Counter({ name: 'llmos_cost_usd_total', help: 'Spend in US dollars, by model and owner.', labelNames: ['model', 'owner'], registers: r });
    this.exits = new Counter({ name: 'llmos_process_exits_total', help: 'Processes that exited, by exit status.', labelNames: ['status'], registers: r });
    this.errors = new Counter({ name: 'llmos_errors_total', help: 'Processes that exited with an error, by LLMOS error code.', labelNames: ['code'], registers: r });
    this.retries = new Counter({ name: 'llmos_retries_total', help: 'Model calls made after a failed one for the same process, by the model retried on.', labelNames: ['model'], registers: r });
    this.fallbacks = new Counter({ name: 'llmos_fallbacks_total', help: 'Retries that moved to another model.', labelNames: ['from_model', 'to_model'], registers: r });
    this.allocations = new Counter({ name: 'llmos_allocations_total', help: 'Allocator choices, by allocator and chosen model.', labelNames: ['allocator', 'model'], registers: r });
    this.syscalls = new Histogram({ name: 'llmos_syscall_duration_seconds', help: 'Syscall latency by name (kg_* are the knowledge-graph operations); outcome is ok or the error code.', labelNames: ['syscall', 'outcome'], buckets: WAIT_BUCKETS, registers: r });
  }

  /** A process left READY (picked by the dispatcher). */
  leftReady(p: ProcView, now: number): void {
    this.queueWait.observe({ class: String(p.priority) }, Math.max(0, now - p.readyAt) / 1000);
  }

  /** A process exited: everything its record says about its calls. */
  exited(p: ProcView): void {
    this.exits.inc({ status: p.exit ?? 'unknown' });
    if (p.error) this.errors.inc({ code: this.caps.code.of(p.error.code) });
    if (p.kind === 'group') return;
    const op = p.task.embed ? 'embeddings' : 'chat';
    this.attempts(p, op);
    const model = p.model ? this.caps.model.of(p.model) : undefined;
    if (!model) return;
    this.tokens.observe({ gen_ai_operation_name: op, gen_ai_request_model: model, gen_ai_token_type: 'input' }, p.usage.prompt_tokens);
    if (op === 'chat') this.tokens.observe({ gen_ai_operation_name: op, gen_ai_request_model: model, gen_ai_token_type: 'output' }, p.usage.completion_tokens);
    if (p.usage.cost_usd > 0) this.cost.inc({ model, owner: this.caps.owner.of(p.owner) }, p.usage.cost_usd);
    if (p.allocation) this.allocations.inc({ allocator: this.allocatorName(), model: this.caps.model.of(p.allocation.model) });
  }

  private attempts(p: ProcView, op: string): void {
    let prev: string | undefined;
    for (const a of p.attempts) {
      const model = this.caps.model.of(a.model);
      if (a.finished !== undefined) {
        const labels = { gen_ai_operation_name: op, gen_ai_request_model: model, error_type: a.error ? this.caps.code.of(a.error.code) : '' };
        this.duration.observe(labels, Math.max(0, a.finished - a.started) / 1000);
      }
      if (a.first_token !== undefined) this.ttft.observe({ gen_ai_request_model: model }, Math.max(0, a.first_token - a.started) / 1000);
      if (prev !== undefined) {
        this.retries.inc({ model });
        if (prev !== model) this.fallbacks.inc({ from_model: prev, to_model: model });
      }
      prev = model;
    }
  }
}
