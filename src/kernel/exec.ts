import { setTimeout as sleep } from 'node:timers/promises';
import { Errors, LlmosError, toLlmosError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { params } from './params.js';
import type { ModelTable } from './models.js';
import type { Process, ProcessTable } from './proc.js';
import { completionRequest, costOf } from '../core/model.js';
import { resultOf } from '../core/process.js';
import type { ResourceManager } from './resources.js';
import { estimateTokens, taskMessages, taskText } from '../core/task.js';
import type { ModelInfo } from '../core/model.js';

export interface Resilience {
  /** Per-call timeout. */
  callTimeoutMs: number;
  /** Retries on the same model for retryable errors (429, 5xx, resets). */
  retries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Fall back to the next-ranked model when a model keeps failing. */
  fallback: boolean;
}

export const defaultResilience: Resilience = { callTimeoutMs: params.callTimeoutMs, retries: params.retries, backoffBaseMs: 250, backoffMaxMs: 10_000, fallback: true };


/** Full-jitter exponential backoff, never shorter than the server's Retry-After. */
export function backoffMs(r: Resilience, attempt: number, retryAfterMs?: number): number {
  const exp = Math.min(r.backoffMaxMs, r.backoffBaseMs * 2 ** attempt);
  return Math.max(retryAfterMs ?? 0, Math.random() * exp);
}

/**
 * Runs one process on a ranked list of models: admission (context window,
 * budget, rate limits, a slot), the call, retries with backoff, cooldown
 * accounting and fallback. Every attempt is recorded on the process.
 * Resolves when the process has exited; never throws.
 */
export class Executor {
  constructor(
    private readonly procs: ProcessTable,
    private readonly models: ModelTable,
    private readonly res: ResourceManager,
    private readonly log: Logger,
    public resilience: Resilience = defaultResilience,
  ) {}

  /** Resolves 'preempted' when the call was cancelled to make room: the process has not exited and must be queued again. */
  async run(p: Process, ranked: ModelInfo[]): Promise<'done' | 'preempted'> {
    let last: LlmosError | undefined;
    const order = this.resilience.fallback ? ranked : ranked.slice(0, 1);
    for (const model of order) {
      for (let retry = 0; retry <= this.resilience.retries; retry++) {
        if (p.signal.aborted) return this.aborted(p);
        try {
          await this.attempt(p, model);
          return 'done';
        } catch (e) {
          last = toLlmosError(e);
          if (p.signal.aborted) return this.aborted(p);
          if (last.code === 'LLMOS_EPREEMPTED') return 'preempted';
          if (['LLMOS_ECONTEXT', 'LLMOS_EBUDGET'].includes(last.code) && ranked.length === 1) break;
          if (last.code !== 'LLMOS_EUPSTREAM' && last.code !== 'LLMOS_ETIMEDOUT') break;
          this.models.recordFailure(model.id);
          if (!last.data.retryable || this.models.get(model.id)?.status !== 'ready') break;
          if (retry < this.resilience.retries) {
            const wait = backoffMs(this.resilience, retry, last.data.retry_after_ms as number | undefined);
            this.log.warn({ pid: p.pid, model: model.id, code: last.code, wait }, 'retrying model call');
            await sleep(wait, undefined, { signal: p.signal }).catch(() => undefined);
          }
        }
      }
    }
    if (p.signal.aborted) return this.aborted(p);
    this.procs.exit(p, 'failed', { error: last ?? Errors.noModel('no candidate model could be tried') });
    return 'done';
  }

  private aborted(p: Process): 'done' {
    const reason = p.signal.reason;
    const status = reason instanceof LlmosError && reason.code === 'LLMOS_ETIMEDOUT' ? 'timeout' : 'killed';
    this.procs.exit(p, status, { error: reason instanceof LlmosError ? reason : new LlmosError('LLMOS_EKILLED', `process ${p.pid} was killed.`) });
    return 'done';
  }

  /** One call on one model. Throws on failure; exits the process on success. */
  private async attempt(p: Process, m: ModelInfo): Promise<void> {
    const messages = taskMessages(p.task);
    const lease0 = this.models.must(m.id).backend;
    const promptTokens = (await lease0.countTokens?.(taskText(p.task))) ?? estimateTokens(taskText(p.task)) + 4 * messages.length;
    const maxTokens = Math.min(p.task.max_tokens, m.capabilities.max_output_tokens);
    this.res.checkContext(m, promptTokens, maxTokens);
    const settle = this.res.reserve(p.owner, { tokens: promptTokens + maxTokens, cost_usd: costOf(m, promptTokens, maxTokens) });
    let release: (() => void) | undefined;
    let lease: ReturnType<ModelTable['lease']> | undefined;
    const attempt: Process['attempts'][number] = { model: m.id, version: m.version, started: Date.now() };
    let actual = { tokens: 0, cost_usd: 0 };
    let stopCall = () => {};
    try {
      this.procs.setState(p, 'blocked');
      for (let d = this.res.rateDelay(m, promptTokens + maxTokens); d > 0; d = this.res.rateDelay(m, promptTokens + maxTokens))
        await sleep(d, undefined, { signal: p.signal });
      release = await this.res.acquire(m.id, p.signal);
      this.res.recordRate(m, promptTokens + maxTokens);
      lease = this.models.lease(m.id);
      attempt.version = lease.backend.info.version;
      p.attempts.push(attempt);
      p.model = m.id;
      p.streamed = 0;
      this.procs.setState(p, 'running');
      // One controller per call, aborted by a kill (p.signal), preemption or the timeout.
      // Cheaper than AbortSignal.any + AbortSignal.timeout, whose timers outlive the call.
      const call = (p.callController = new AbortController());
      const signal = call.signal;
      const onKill = () => call.abort(p.signal.reason);
      p.signal.addEventListener('abort', onKill, { once: true });
      const timer = setTimeout(() => call.abort(new LlmosError('LLMOS_ETIMEDOUT', `model ${m.id} did not answer within ${this.resilience.callTimeoutMs} ms; retrying or falling back.`, { retryable: true })), this.resilience.callTimeoutMs);
      timer.unref();
      stopCall = () => {
        clearTimeout(timer);
        p.signal.removeEventListener('abort', onKill);
      };
      const out = await lease.backend
        .complete(
          completionRequest(p.task, messages, maxTokens),
          {
            signal,
            // Only stream when someone listens: an unstreamed call is cheaper for most backends.
            onToken: this.procs.wantsTokens(p)
              ? (text) => {
                  p.streamed++;
                  this.procs.emit('token', p, text);
                }
              : undefined,
          },
        )
        .catch((e: unknown) => {
          if (p.signal.aborted) throw p.signal.reason;
          if (signal.aborted) throw signal.reason;
          throw e;
        });
      const cost = costOf(lease.backend.info, out.usage.prompt_tokens, out.usage.completion_tokens);
      actual = { tokens: out.usage.prompt_tokens + out.usage.completion_tokens, cost_usd: cost };
      p.usage.prompt_tokens += out.usage.prompt_tokens;
      p.usage.completion_tokens += out.usage.completion_tokens;
      p.usage.cost_usd += cost;
      attempt.finished = Date.now();
      this.models.recordSuccess(m.id);
      this.procs.exit(p, 'ok', { result: resultOf(out) });
    } catch (e) {
      attempt.finished = Date.now();
      const err = toLlmosError(e);
      attempt.error = { code: err.code, message: err.message };
      throw e;
    } finally {
      stopCall();
      p.callController = undefined;
      settle(actual);
      lease?.release();
      release?.();
    }
  }
}
