import type { FastHistogram, HistogramChild } from './fast-histogram.js';
import type { LabelCap } from './label-cap.js';

/** Adds `by` to a key's count in place. */
export function bump(m: Map<string, number>, key: string, by = 1): void {
  m.set(key, (m.get(key) ?? 0) + by);
}

/** The histograms a model's calls feed (see EventMetrics). */
export interface CallHistograms {
  duration: FastHistogram<'gen_ai_operation_name' | 'gen_ai_request_model' | 'error_type'>;
  ttft: FastHistogram<'gen_ai_request_model'>;
  tokens: FastHistogram<'gen_ai_operation_name' | 'gen_ai_request_model' | 'gen_ai_token_type'>;
}

/** One operation's (chat, embeddings) children for one model. */
class OpSeries {
  readonly ok: HistogramChild;
  readonly tokensIn: HistogramChild;
  readonly tokensOut: HistogramChild;
  private readonly failed = new Map<string, HistogramChild>();

  constructor(
    private readonly h: CallHistograms,
    private readonly op: string,
    private readonly model: string,
  ) {
    this.ok = h.duration.child(op, model, '');
    this.tokensIn = h.tokens.child(op, model, 'input');
    this.tokensOut = h.tokens.child(op, model, 'output');
  }

  /** The duration child for a failed call; `code` is already capped. */
  failedWith(code: string): HistogramChild {
    let c = this.failed.get(code);
    if (!c) this.failed.set(code, (c = this.h.duration.child(this.op, this.model, code)));
    return c;
  }
}

/**
 * Everything one model label accumulates, resolved once per model so the
 * event path does map lookups and additions only. Counters are plain numbers
 * that the scrape publishes (EventMetrics' collect callbacks).
 */
export class ModelSeries {
  readonly ttft: HistogramChild;
  private readonly ops = new Map<string, OpSeries>();
  retries = 0;
  /** Retries that moved here from another model, by that model. */
  readonly fallbacksFrom = new Map<string, number>();
  readonly costByOwner = new Map<string, number>();
  readonly allocations = new Map<string, number>();

  constructor(
    private readonly h: CallHistograms,
    readonly model: string,
  ) {
    this.ttft = h.ttft.child(model);
  }

  op(name: string): OpSeries {
    let s = this.ops.get(name);
    if (!s) this.ops.set(name, (s = new OpSeries(this.h, name, this.model)));
    return s;
  }
}

/** ModelSeries by (capped) model label; at most the cap's size plus "other". */
export class ModelTable {
  readonly byLabel = new Map<string, ModelSeries>();

  constructor(
    private readonly h: CallHistograms,
    private readonly cap: LabelCap,
  ) {}

  of(modelId: string): ModelSeries {
    const label = this.cap.of(modelId);
    let s = this.byLabel.get(label);
    if (!s) this.byLabel.set(label, (s = new ModelSeries(this.h, label)));
    return s;
  }
}
