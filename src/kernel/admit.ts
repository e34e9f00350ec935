import { setTimeout as sleep } from 'node:timers/promises';
import { completionRequest, costOf, type CompletionRequest, type ModelInfo } from '../core/model.js';
import { taskMessages } from '../core/task.js';
import { estimatePromptTokens } from '../core/token-estimate.js';
import type { ModelTable } from './models.js';
import type { Process, ProcessTable } from './proc.js';
import type { ProcServices } from './proc-scope.js';
import type { ResourceManager } from './resources.js';
import { untilStopped } from './signal.js';

/** Tokens a call actually used (for a call that stopped early: what it used so far). */
export interface TokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
}

/** One admitted call: its sizes, a slot, and the owner's budget reserved at the worst case. */
export interface Admission {
  readonly model: ModelInfo;
  /** The request the call sends, as its prompt was counted. */
  readonly request: CompletionRequest;
  readonly promptTokens: number;
  readonly maxTokens: number;
  /**
   * Charges `used` to the process's usage and the owner's budget (settling
   * the reservation) at `pricing`'s prices, and gives the slot back. The one
   * place usage is charged. Acts once; later calls do nothing.
   */
  release(used: TokenUsage, pricing?: Pick<ModelInfo, 'pricing'>): void;
}

const NOTHING: TokenUsage = { prompt_tokens: 0, completion_tokens: 0 };

/**
 * The admission step: context window, budget, rate limits (the model's and
 * the owner's account tpm) and a slot, in
 * that order, for one call of a process on one model. The process is BLOCKED
 * while it waits. Every await ends when the process is stopped: a kill rejects
 * with its reason, and nothing stays reserved or held.
 */
export class Admitter {
  constructor(
    private readonly procs: ProcessTable,
    private readonly models: ModelTable,
    private readonly res: ResourceManager,
    /** The process's services, from its container (see proc-scope.ts). */
    private readonly services: (p: Process) => ProcServices,
  ) {}

  /** Throws LLMOS_ECONTEXT, LLMOS_EBUDGET, LLMOS_ENOMODEL, or the reason the process was stopped with. */
  async admit(p: Process, m: ModelInfo): Promise<Admission> {
    const services = this.services(p);
    const { budget } = services;
    if (p.state !== 'blocked') this.procs.setState(p, 'blocked');
    const maxTokens = Math.min(p.task.max_tokens, m.capabilities.max_output_tokens);
    const request = completionRequest(p.task, taskMessages(p.task), maxTokens);
    const promptTokens = await this.countPrompt(p, m, request);
    this.res.checkContext(m, promptTokens, maxTokens);
    const need = promptTokens + maxTokens;
    const settle = await this.reserve(p, budget, { tokens: need, cost_usd: costOf(m, promptTokens, maxTokens) });
    try {
      const delay = () => Math.max(this.res.rateDelay(m, need), this.res.accountDelay(p.owner, need));
      for (let d = delay(); d > 0; d = delay()) {
        services.log.debug({ model: m.id, wait: d }, 'blocked by a rate limit');
        await sleep(d, undefined, { signal: services.signal });
      }
      const giveSlot = await this.res.acquire(m.id, p);
      this.res.recordRate(m, need);
      this.res.recordAccount(p.owner, need);
      return this.grant(p, m, request, promptTokens, services, (spend) => (settle(spend), giveSlot()));
    } catch (e) {
      settle({ tokens: 0, cost_usd: 0 });
      throw p.stopped ? p.stopCause : e;
    }
  }

  /**
   * Reserves against a ledger that may be remote (and slow, e.g. Redis
   * reconnecting): a kill does not wait for it, and a hold that lands after
   * the kill is settled at zero at once.
   */
  private async reserve(p: Process, budget: ProcServices['budget'], worst: { tokens: number; cost_usd: number }): Promise<(actual: { tokens: number; cost_usd: number }) => void> {
    const reserving = budget.reserve(worst);
    try {
      return await untilStopped(p, reserving);
    } catch (e) {
      if (p.stopped) reserving.then((settle) => settle({ tokens: 0, cost_usd: 0 }), () => undefined);
      throw e;
    }
  }

  /**
   * The prompt's tokens as the model will read them: the request the call
   * will send, counted by the backend (its tokenizer and chat template), or
   * estimated by the kernel for a backend that does not count. Awaits only a
   * backend that counts asynchronously.
   */
  private async countPrompt(p: Process, m: ModelInfo, request: CompletionRequest): Promise<number> {
    const counted = this.models.must(m.id).backend.countTokens?.(request);
    if (counted === undefined) return estimatePromptTokens(request);
    return typeof counted === 'number' ? counted : untilStopped(p, counted);
  }

  private grant(p: Process, m: ModelInfo, request: CompletionRequest, promptTokens: number, services: ProcServices, free: (spend: { tokens: number; cost_usd: number }) => void): Admission {
    let released = false;
    const maxTokens = request.max_tokens;
    return {
      model: m,
      request,
      promptTokens,
      maxTokens,
      release: (used = NOTHING, pricing = m) => {
        if (released) return;
        released = true;
        if (used.prompt_tokens + used.completion_tokens > promptTokens + maxTokens)
          services.log.warn({ model: m.id, reserved: { prompt_tokens: promptTokens, max_tokens: maxTokens }, used }, 'a call used more tokens than admission reserved: its backend undercounts prompts, so budgets can be overspent');
        const cost = costOf(pricing, used.prompt_tokens, used.completion_tokens);
        p.usage.prompt_tokens += used.prompt_tokens;
        p.usage.completion_tokens += used.completion_tokens;
        p.usage.cost_usd += cost;
        free({ tokens: used.prompt_tokens + used.completion_tokens, cost_usd: cost });
      },
    };
  }
}
