import { randomBytes } from 'node:crypto';
import { exitFeedback, LlmosError, toLlmosError, type KernelApi, type PerfSample, type PerfTable, type Process, type TaskInput, type TaskType } from '../../src/plugin-api/index.js';
import type { EvalItem } from './eval-suite.js';
import { Scorer } from './scorers.js';
import { mapLimit, percentile, tokensPerSecond } from './stats.js';

export interface EvalOptions {
  model: string;
  items: EvalItem[];
  /** Eval processes in flight at once. */
  concurrency: number;
  /** Default max_tokens of items that set none. */
  max_tokens: number;
  /** Task type of items that set none; otherwise the profiler decides, else "chat". */
  task_type?: TaskType;
  seed: number;
  /** Per-item wait; an item still running then is killed and counted as an error. */
  item_timeout_ms: number;
  /** Owner of the eval processes; their usage is charged to its budget. */
  owner: string;
  suite?: string;
  signal: AbortSignal;
  progress?: (done: number, total: number) => void;
}

export interface EvalItemResult {
  index: number;
  id: string | null;
  task_type: string;
  pid: number | null;
  pass: boolean;
  exit: string | null;
  latency_ms: number | null;
  completion_tokens: number;
  cost_usd: number;
  /** The answer, cut to 300 characters. */
  answer: string | null;
  detail: string | null;
  error: { code: string; message: string } | null;
}

interface Summary {
  n: number;
  passed: number;
  errors: number;
  accuracy: number;
  latency_p50_ms: number;
  latency_p95_ms: number;
  tokens_per_s: number;
  cost_usd: number;
}

export interface EvalReport extends Summary {
  run_id: string;
  model: string;
  version: string;
  suite: string | null;
  started: number;
  finished: number;
  by_type: Array<Summary & { task_type: string }>;
  items: EvalItemResult[];
}

/** Upstream failures say something about the model; budget, context, kill and queue errors do not. */
const MODEL_FAULTS = new Set(['LLMOS_EUPSTREAM', 'LLMOS_ETIMEDOUT']);

function summarize(rs: EvalItemResult[]): Summary {
  const ran = rs.filter((r) => r.latency_ms !== null);
  const latency = ran.map((r) => r.latency_ms!);
  const tokens = ran.reduce((s, r) => s + r.completion_tokens, 0);
  const passed = rs.filter((r) => r.pass).length;
  return {
    n: rs.length,
    passed,
    errors: rs.filter((r) => r.error).length,
    accuracy: rs.length ? passed / rs.length : 0,
    latency_p50_ms: percentile(latency, 0.5),
    latency_p95_ms: percentile(latency, 0.95),
    tokens_per_s: tokensPerSecond(tokens, latency.reduce((s, x) => s + x, 0)),
    cost_usd: rs.reduce((s, r) => s + r.cost_usd, 0),
  };
}

/**
 * Runs a suite against one model. Every item is a real process spawned
 * through the kernel with the model pinned, so scheduling, admission,
 * budgets and usage accounting apply to evals as to any other call. An
 * admin's scores go into the performance table (model × task type) and
 * teach the allocator; anyone else's are only reported, since both steer
 * every user's routing.
 */
export class EvalRunner {
  private readonly scorer = new Scorer();

  constructor(
    private readonly kernel: KernelApi,
    private readonly perf: PerfTable,
  ) {}

  async run(o: EvalOptions): Promise<EvalReport> {
    const entry = this.kernel.mustModel(o.model);
    o.items.forEach((it, i) => {
      try {
        this.scorer.check(it);
      } catch (e) {
        throw new LlmosError('LLMOS_EINVAL', `eval item ${i + 1}: its JSON Schema does not compile (${(e as Error).message}); fix "expected".`);
      }
    });
    const run_id = `ev-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const started = Date.now();
    const live = new Set<number>();
    const onAbort = () => live.forEach((pid) => this.kernel.kill(pid));
    o.signal.addEventListener('abort', onAbort, { once: true });
    let done = 0;
    const versions: string[] = [];
    let items: EvalItemResult[];
    try {
      items = await mapLimit(
        o.items,
        o.concurrency,
        async (it, index) => {
          const r = await this.runItem(run_id, it, index, o, live, versions);
          o.progress?.(++done, o.items.length);
          return r;
        },
        o.signal,
      );
    } finally {
      o.signal.removeEventListener('abort', onAbort);
    }
    const finished = Date.now();
    const samples: PerfSample[] = items
      .filter((r) => r.latency_ms !== null && (!r.error || MODEL_FAULTS.has(r.error.code)))
      .map((r) => ({
        model: o.model,
        version: versions[r.index] ?? entry.info.version,
        task_type: r.task_type,
        quality: r.pass ? 1 : 0,
        latency_ms: r.latency_ms!,
        completion_tokens: r.completion_tokens,
        cost_usd: r.cost_usd,
        source: `eval:${run_id}`,
        at: finished,
      }));
    if (this.kernel.isAdmin(o.owner)) this.perf.recordMany(samples); // the table routes everyone: only admins' evals write it
    const types = [...new Set(items.map((r) => r.task_type))].sort();
    return {
      run_id,
      model: o.model,
      version: versions.find(Boolean) ?? entry.info.version,
      suite: o.suite ?? null,
      started,
      finished,
      ...summarize(items),
      by_type: types.map((t) => ({ task_type: t, ...summarize(items.filter((r) => r.task_type === t)) })),
      items,
    };
  }

  private async runItem(run_id: string, it: EvalItem, index: number, o: EvalOptions, live: Set<number>, versions: string[]): Promise<EvalItemResult> {
    const base: EvalItemResult = {
      index,
      id: it.id ?? null,
      task_type: it.type ?? o.task_type ?? 'chat',
      pid: null,
      pass: false,
      exit: null,
      latency_ms: null,
      completion_tokens: 0,
      cost_usd: 0,
      answer: null,
      detail: null,
      error: null,
    };
    let p: Process;
    try {
      p = this.kernel.spawn(itemTask(run_id, it, index, o), o.owner);
    } catch (e) {
      const err = toLlmosError(e);
      return { ...base, error: { code: err.code, message: err.message } };
    }
    live.add(p.pid);
    try {
      await this.kernel.wait(p.pid, o.item_timeout_ms, o.signal).catch((e: unknown) => {
        if (o.signal.aborted) throw e;
        this.kernel.kill(p.pid, new LlmosError('LLMOS_ETIMEDOUT', `eval item ${index + 1} ran past item_timeout_ms (${o.item_timeout_ms} ms).`));
        return this.kernel.wait(p.pid, 10_000);
      });
    } finally {
      live.delete(p.pid);
    }
    versions[index] = p.attempts.at(-1)?.version ?? '';
    const type = it.type ?? p.task.type ?? base.task_type;
    const ran = p.started !== undefined && p.finished !== undefined;
    const common = {
      ...base,
      task_type: type,
      pid: p.pid,
      exit: p.exit ?? null,
      latency_ms: ran ? p.finished! - p.started! : null,
      completion_tokens: p.usage.completion_tokens,
      cost_usd: p.usage.cost_usd,
    };
    if (p.exit !== 'ok' || !p.result) return { ...common, error: p.error ?? { code: 'LLMOS_EINTERNAL', message: `process ${p.pid} exited ${p.exit} without a result` } };
    const s = this.scorer.score(it, p.result.text);
    this.teachAllocator(p, s.pass);
    return { ...common, pass: s.pass, answer: p.result.text.slice(0, 300), detail: s.detail ?? null };
  }

  /**
   * A scored item is a rating: the active allocator learns from it as from
   * proc_feedback, when an admin ran the eval (the allocator serves everyone,
   * so ordinary sessions cannot steer it with made-up expectations).
   */
  private teachAllocator(p: Process, pass: boolean): void {
    this.kernel.rate(p.pid, pass ? 1 : 0);
    if (!this.kernel.isAdmin(p.owner)) return;
    try {
      this.kernel.allocator().feedback?.({ ...exitFeedback(p), reward: pass ? 1 : 0 });
    } catch (e) {
      this.kernel.log.warn({ err: e, pid: p.pid }, 'allocator feedback from an eval item failed');
    }
  }
}

/** An eval item as a task: pinned to the evaluated model, temperature 0, tagged with its run and index. */
const itemTask = (run_id: string, it: EvalItem, index: number, o: EvalOptions): TaskInput => ({
  ...(it.prompt !== undefined ? { prompt: it.prompt } : { messages: it.messages }),
  system: it.system,
  type: it.type ?? o.task_type,
  model: o.model,
  max_tokens: it.max_tokens ?? o.max_tokens,
  temperature: 0,
  seed: o.seed,
  priority: 4,
  metadata: { eval_run: run_id, eval_item: index },
});
