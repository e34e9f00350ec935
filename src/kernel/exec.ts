import { setTimeout as sleep } from 'node:timers/promises';
import { Errors, LlmosError, toLlmosError } from '../core/errors.js';
import type { Admission, Admitter, TokenUsage } from './admit.js';
import { params } from './params.js';
import type { ModelTable } from './models.js';
import type { Process, ProcessTable } from './proc.js';
import type { ProcServices } from './proc-scope.js';
import { type Completion, type ModelBackend, type ModelInfo } from '../core/model.js';
import { resultOf } from '../core/process.js';

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
 * Runs one process on a ranked list of models: for each attempt the
 * admission step (see admit.ts), the call, retries with backoff, cooldown
 * accounting and fallback. Every attempt is recorded on the process, and
 * charged through its Admission for what it used.
 * Resolves when the process has exited (or was preempted); never throws.
 */
export class Executor {
  constructor(
    private readonly procs: ProcessTable,
    private readonly models: ModelTable,
    private readonly admitter: Admitter,
    /** The process's services, from its container (see proc-scope.ts). */
    private readonly services: (p: Process) => ProcServices,
    /** Resolves once the process table's changes so far are durable (see Journal.durable): awaited before each model call. */
    private readonly durable: () => Promise<void> | undefined,
    public resilience: Resilience = defaultResilience,
  ) {}

  /** Set by halt(): no further attempt starts, and a run that would make one is put back ('preempted'). */
  private halted = false;

  /** Starts no more model calls (shutdown); calls in flight are cancelled by the caller through callController. */
  halt(): void {
    this.halted = true;
  }

  /** Resolves 'preempted' when the call was cancelled to make room: the process has not exited and must be queued again. */
  async run(p: Process, ranked: ModelInfo[]): Promise<'done' | 'preempted'> {
    let last: LlmosError | undefined;
    const order = this.resilience.fallback ? ranked : ranked.slice(0, 1);
    for (const model of order) {
      for (let retry = 0; retry <= this.resilience.retries; retry++) {
        if (p.stopped) return this.stopped(p);
        if (this.halted) return 'preempted';
        try {
          await this.attempt(p, model);
          return 'done';
        } catch (e) {
          last = toLlmosError(e);
          if (p.stopped) return this.stopped(p);
          if (last.code === 'LLMOS_EPREEMPTED') return 'preempted';
          if (['LLMOS_ECONTEXT', 'LLMOS_EBUDGET'].includes(last.code) && ranked.length === 1) break;
          if (last.code !== 'LLMOS_EUPSTREAM' && last.code !== 'LLMOS_ETIMEDOUT') break;
          this.models.recordFailure(model.id);
          if (!last.data.retryable || this.models.get(model.id)?.status !== 'ready') break;
          if (retry < this.resilience.retries) await this.backoff(p, model, retry, last);
        }
      }
    }
    if (p.stopped) return this.stopped(p);
    this.procs.exit(p, 'failed', { error: last ? gaveUp(p, last) : Errors.noModel('no candidate model could be tried') });
    return 'done';
  }

  private stopped(p: Process): 'done' {
    this.procs.end(p, p.stopCause);
    return 'done';
  }

  /** Waits before the next try on the same model; a kill ends the wait early (run checks the signal next). */
  private async backoff(p: Process, model: ModelInfo, retry: number, last: LlmosError): Promise<void> {
    const wait = backoffMs(this.resilience, retry, last.data.retry_after_ms as number | undefined);
    this.services(p).log.warn({ model: model.id, code: last.code, wait }, 'retrying model call');
    await sleep(wait, undefined, { signal: p.signal }).catch(() => undefined);
  }

  /** One admitted call on one model. Throws on failure; exits the process on success. */
  private async attempt(p: Process, m: ModelInfo): Promise<void> {
    const admission = await this.admitter.admit(p, m);
    const attempt: Process['attempts'][number] = { model: m.id, version: m.version, started: Date.now() };
    let lease: ReturnType<ModelTable['lease']> | undefined;
    try {
      if (this.halted) throw putBack(p);
      lease = this.models.lease(m.id);
      attempt.version = lease.backend.info.version;
      p.attempts.push(attempt);
      p.model = m.id;
      p.streamed = 0;
      this.procs.setState(p, 'running');
      await this.durable(); // after a crash, every process that may have reached a model is known
      if (this.halted) throw putBack(p); // halted while the journal wrote: the call has not started
      const out = await this.call(p, lease.backend, admission);
      attempt.finished = Date.now();
      admission.release(out.usage, lease.backend.info);
      this.models.recordSuccess(m.id);
      this.procs.exit(p, 'ok', { result: resultOf(out) });
    } catch (e) {
      attempt.finished = Date.now();
      const err = toLlmosError(e);
      attempt.error = { code: err.code, message: err.message };
      throw e;
    } finally {
      admission.release({ prompt_tokens: 0, completion_tokens: 0 }); // no-op unless lease() threw
      lease?.release();
    }
  }

  /**
   * The model call, under one controller aborted by a stop (Process.stop
   * aborts p.callController), preemption or the call timeout. A call that
   * throws is charged here for what it used (see usedBy).
   */
  private async call(p: Process, backend: ModelBackend, admission: Admission): Promise<Completion> {
    // Cheaper than AbortSignal.any + AbortSignal.timeout, whose timers outlive the call.
    const call = (p.callController = new AbortController());
    const timer = setTimeout(() => call.abort(new LlmosError('LLMOS_ETIMEDOUT', `model ${admission.model.id} did not answer within ${this.resilience.callTimeoutMs} ms.`, { retryable: true, cause: 'timeout' })), this.resilience.callTimeoutMs);
    timer.unref();
    try {
      if (p.stopped) throw p.stopCause; // stopped between admission and here: the model is not called
      return await this.request(p, backend, admission, call.signal).catch((e: unknown) => {
        admission.release(usedBy(e, admission.promptTokens, p.streamed, call.signal.aborted), backend.info);
        throw p.stopped ? p.stopCause : call.signal.aborted ? call.signal.reason : e;
      });
    } finally {
      clearTimeout(timer);
      p.callController = undefined;
    }
  }

  /** The backend call a task makes: embed for an embed task (an answer with no text, usage from its prompt), else complete. */
  private async request(p: Process, backend: ModelBackend, admission: Admission, signal: AbortSignal): Promise<Completion> {
    if (p.task.embed) {
      if (!backend.embed) throw new LlmosError('LLMOS_EINVAL', `model ${backend.info.id} declares embeddings but cannot embed; use another model.`);
      const out = await backend.embed(p.task.embed, { signal });
      return { text: '', embeddings: out.embeddings, usage: { prompt_tokens: out.usage.prompt_tokens, completion_tokens: 0 }, finish_reason: 'stop' };
    }
    const req = admission.request;
    // Only stream when someone listens: an unstreamed call is cheaper for most backends.
    const attempt = p.attempts.at(-1);
    const onToken = this.procs.wantsTokens(p)
      ? (text: string) => {
          if (p.streamed++ === 0 && attempt) attempt.first_token = Date.now();
          this.procs.emit('token', p, text);
        }
      : undefined;
    return backend.complete(req, { signal, onToken, owner: p.owner });
  }
}

/** Failures a later try may not meet: the kernel retries them, and the advice says what else to do. */
const TRANSIENT = new Set(['LLMOS_EUPSTREAM', 'LLMOS_ETIMEDOUT', 'LLMOS_EUNAVAILABLE']);

/**
 * The error a process exits with once every try failed: the last failure,
 * and for a transient one what was tried and what is left to do — another
 * model only when the task could not use one (it named its model).
 */
function gaveUp(p: Process, last: LlmosError): LlmosError {
  if (!TRANSIENT.has(last.code)) return last;
  const tried = [...new Set(p.attempts.map((a) => a.model))];
  const on = tried.length ? ` on ${tried.length === 1 ? `model ${tried[0]}` : `models ${tried.join(', ')}`}` : '';
  const next = p.task.model === 'auto' ? 'retry later, or register another model' : `retry later, or spawn with model "auto" so that another model can take it`;
  const n = p.attempts.length;
  return new LlmosError(last.code, `${last.message.replace(/\.$/, '')}; gave up after ${n} attempt${n === 1 ? '' : 's'}${on}: ${next}.`, last.data);
}

/**
 * What a call that threw had used: the backend's figures on the error
 * (data.usage) when it gives them; else its prompt and the tokens streamed
 * when it had started answering or was cancelled by us (kill, deadline,
 * timeout, preemption: the model had the prompt); else nothing (an upstream
 * that answered with an error, e.g. 429 or 500, did no billable work).
 */
function usedBy(e: unknown, promptTokens: number, streamed: number, cancelled: boolean): TokenUsage {
  const u = e instanceof LlmosError ? (e.data.usage as Partial<TokenUsage> | undefined) : undefined;
  if (u) return { prompt_tokens: u.prompt_tokens ?? 0, completion_tokens: u.completion_tokens ?? 0 };
  return streamed > 0 || cancelled ? { prompt_tokens: promptTokens, completion_tokens: streamed } : { prompt_tokens: 0, completion_tokens: 0 };
}

/** The error that puts a process back when the server halts before its call starts. */
const putBack = (p: Process) => new LlmosError('LLMOS_EPREEMPTED', `the server is shutting down; process ${p.pid} was put back before its call started.`, { pid: p.pid, cause: 'shutdown' });
