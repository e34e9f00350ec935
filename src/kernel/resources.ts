import { LlmosError } from '../core/errors.js';
import type { ModelInfo } from '../core/model.js';
import { accountOf } from '../core/policy.js';
import type { Budget, BudgetHandle, Budgets, BudgetView, Spend } from './budgets.js';
import type { PolicyTable } from './policy.js';
import type { Stoppable } from './signal.js';

export { formatSpend, type Budget, type BudgetHandle, type Spend } from './budgets.js';

/** Per-model slot pool; waiters are served first come, first served. */
class Slots {
  inUse = 0;
  private readonly waiters: Array<() => void> = [];
  constructor(public size: number) {}
  get free(): number {
    return Math.max(0, this.size - this.inUse);
  }
  tryTake(): boolean {
    if (this.inUse >= this.size) return false;
    this.inUse++;
    return true;
  }
  /** Takes a slot, waiting in line for one; rejects with the stop's reason when the process is stopped, at once if it already is. */
  take(p: Stoppable): Promise<void> {
    if (p.stopped) return Promise.reject(p.stopCause);
    if (this.tryTake()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const wake = () => {
        off();
        this.inUse++;
        resolve();
      };
      const off = p.onStop((reason) => {
        const i = this.waiters.indexOf(wake);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(reason);
      });
      this.waiters.push(wake);
    });
  }
  give(): void {
    this.inUse--;
    while (this.waiters.length && this.inUse < this.size) this.waiters.shift()!();
  }
}

/** A sliding one-minute window of (time, amount) events. */
class MinuteWindow {
  private readonly events: Array<[number, number]> = [];
  total(now: number): number {
    while (this.events.length && this.events[0][0] <= now - 60_000) this.events.shift();
    return this.events.reduce((s, [, n]) => s + n, 0);
  }
  add(now: number, n: number): void {
    this.events.push([now, n]);
  }
  /** Ms until `need` more fits under `limit`. */
  waitFor(now: number, need: number, limit: number): number {
    let total = this.total(now);
    for (const [t, n] of this.events) {
      if (total + need <= limit) return 0;
      total -= n;
      if (total + need <= limit) return t + 60_000 - now;
    }
    return total + need <= limit ? 0 : 60_000;
  }
}

/**
 * Slots, rate limits (each model's, and each account's from its policy),
 * token and cost budgets (see Budgets), and context-window admission.
 */
export class ResourceManager {
  private readonly slots = new Map<string, Slots>();
  private readonly rpm = new Map<string, MinuteWindow>();
  private readonly tpm = new Map<string, MinuteWindow>();
  /** Per-account windows for the policy's rpm and tpm (see accountOf). */
  private readonly accountRpm = new Map<string, MinuteWindow>();
  private readonly accountTpm = new Map<string, MinuteWindow>();

  /** Without budgets (tests of slots and rates alone), the budget methods throw. */
  constructor(
    private readonly budgets?: Budgets,
    private readonly policy?: PolicyTable,
  ) {}

  addModel(m: ModelInfo): void {
    const s = this.slots.get(m.id);
    if (s) s.size = m.concurrency;
    else this.slots.set(m.id, new Slots(m.concurrency));
    this.rpm.set(m.id, this.rpm.get(m.id) ?? new MinuteWindow());
    this.tpm.set(m.id, this.tpm.get(m.id) ?? new MinuteWindow());
  }

  removeModel(id: string): void {
    this.slots.delete(id);
    this.rpm.delete(id);
    this.tpm.delete(id);
  }

  freeSlots(id?: string): number {
    if (id) return this.slots.get(id)?.free ?? 0;
    let n = 0;
    for (const s of this.slots.values()) n += s.free;
    return n;
  }

  inUse(id: string): number {
    return this.slots.get(id)?.inUse ?? 0;
  }

  /** Waits for a slot on the model; the returned function gives it back exactly once. */
  async acquire(id: string, p: Stoppable): Promise<() => void> {
    const s = this.slots.get(id);
    if (!s) throw new LlmosError('LLMOS_ENOMODEL', `model "${id}" has no slots; it was removed. Retry with model "auto".`);
    await s.take(p);
    let given = false;
    return () => {
      if (!given) s.give();
      given = true;
    };
  }

  /** Throws LLMOS_ECONTEXT when prompt + max_tokens cannot fit the model's window. */
  checkContext(m: ModelInfo, promptTokens: number, maxTokens: number): void {
    const need = promptTokens + maxTokens;
    if (need > m.capabilities.context_window)
      throw new LlmosError(
        'LLMOS_ECONTEXT',
        `prompt (${promptTokens} tokens) + max_tokens (${maxTokens}) = ${need} exceeds ${m.id}'s context window of ${m.capabilities.context_window}; shorten the prompt, lower max_tokens, or pick a model with a larger window.`,
        { prompt_tokens: promptTokens, max_tokens: maxTokens, context_window: m.capabilities.context_window },
      );
  }

  /** Ms to wait before the model's rpm/tpm limits admit a call of `tokens`. */
  rateDelay(m: ModelInfo, tokens: number, now = Date.now()): number {
    const { rpm, tpm } = m.limits ?? {};
    const a = rpm ? this.rpm.get(m.id)!.waitFor(now, 1, rpm) : 0;
    const b = tpm ? this.tpm.get(m.id)!.waitFor(now, tokens, tpm) : 0;
    return Math.max(a, b);
  }

  recordRate(m: ModelInfo, tokens: number, now = Date.now()): void {
    this.rpm.get(m.id)?.add(now, 1);
    this.tpm.get(m.id)?.add(now, tokens);
  }

  setBudget(owner: string, b: Budget): Promise<void> {
    return this.mustBudgets().setBudget(owner, b);
  }

  budget(owner: string): Promise<BudgetView> {
    return this.mustBudgets().budget(owner);
  }

  /** The owner's budget as a handle (registered in each process's container). */
  handle(owner: string): BudgetHandle {
    return this.mustBudgets().handle(owner);
  }

  /** Reserves the worst case of a call against the owner's budget or rejects with LLMOS_EBUDGET; resolves to settle(actual). */
  reserve(owner: string, worst: Spend): Promise<(actual: Spend) => void> {
    return this.mustBudgets().reserve(owner, worst);
  }

  private mustBudgets(): Budgets {
    if (!this.budgets) throw new LlmosError('LLMOS_EINTERNAL', 'this resource manager was made without budgets; this is a bug, please report it.');
    return this.budgets;
  }

  /**
   * Counts one request (a spawn) of the owner's account against its policy's
   * rpm, or throws LLMOS_ERATELIMIT with the wait, counting nothing.
   */
  countRequest(owner: string, now = Date.now()): void {
    const rpm = this.policy?.resolve(owner).rpm;
    if (!rpm) return;
    const w = this.window(this.accountRpm, accountOf(owner));
    const wait = w.waitFor(now, 1, rpm);
    if (wait > 0)
      throw new LlmosError('LLMOS_ERATELIMIT', `"${owner}" has made its ${rpm} requests of this minute (policy rpm); retry in ${Math.ceil(wait / 1000)} s, or ask an admin to raise rpm with policy_set.`, { owner, rpm, retry_after_ms: wait });
    w.add(now, 1);
  }

  /** Ms until the owner's account tpm admits `tokens` more; LLMOS_ERATELIMIT when one call alone exceeds it. */
  accountDelay(owner: string, tokens: number, now = Date.now()): number {
    const tpm = this.policy?.resolve(owner).tpm;
    if (!tpm) return 0;
    if (tokens > tpm)
      throw new LlmosError('LLMOS_ERATELIMIT', `this call needs up to ${tokens} tokens, over the ${tpm} tokens per minute "${owner}" may use (policy tpm); lower max_tokens or shorten the prompt.`, { owner, tpm, needed: tokens });
    return this.window(this.accountTpm, accountOf(owner)).waitFor(now, tokens, tpm);
  }

  /** Counts an admitted call's tokens against the owner's account tpm. */
  recordAccount(owner: string, tokens: number, now = Date.now()): void {
    if (this.policy?.resolve(owner).tpm) this.window(this.accountTpm, accountOf(owner)).add(now, tokens);
  }

  /** The account's window, made on first use; windows of accounts idle for a minute are dropped, so none is kept forever. */
  private window(m: Map<string, MinuteWindow>, account: string): MinuteWindow {
    const now = Date.now();
    for (const [a, w] of m) if (a !== account && w.total(now) === 0) m.delete(a);
    let w = m.get(account);
    if (!w) m.set(account, (w = new MinuteWindow()));
    return w;
  }
}
