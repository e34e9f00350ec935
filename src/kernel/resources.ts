import { LlmosError } from '../core/errors.js';
import type { ModelInfo } from '../core/model.js';

export interface Budget {
  tokens?: number;
  cost_usd?: number;
}
export interface Spend {
  tokens: number;
  cost_usd: number;
}

/** One owner's budget, bound to that owner: what the admission step reserves against and settles. */
export interface BudgetHandle {
  readonly owner: string;
  /** Reserves a call's worst case or throws LLMOS_EBUDGET; returns settle(actual), which acts once. */
  reserve(worst: Spend): (actual: Spend) => void;
}

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
  /** Takes a slot, waiting in line for one; rejects with the signal's reason when it is aborted, at once if it already is. */
  take(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.tryTake()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const wake = () => {
        signal.removeEventListener('abort', onAbort);
        this.inUse++;
        resolve();
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(wake);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
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

/** A spend as people read it: tokens as a whole number, money in dollars to three significant digits (cents from $1). */
export function formatSpend(k: keyof Spend, v: number): string {
  if (k === 'tokens') return String(Math.round(v));
  return `$${Math.abs(v) >= 1 ? v.toFixed(2) : String(+v.toPrecision(3))}`;
}

/**
 * Slots, rate limits, token and cost budgets, and context-window admission.
 * Budgets are reserved at their worst case BEFORE a call and settled after,
 * so no owner's budget is ever overspent, even with calls in flight.
 */
export class ResourceManager {
  private readonly slots = new Map<string, Slots>();
  private readonly rpm = new Map<string, MinuteWindow>();
  private readonly tpm = new Map<string, MinuteWindow>();
  private readonly budgets = new Map<string, Budget>();
  private readonly spent = new Map<string, Spend>();
  private readonly reserved = new Map<string, Spend>();

  constructor(private defaultBudget: Budget = {}) {}

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
  async acquire(id: string, signal: AbortSignal): Promise<() => void> {
    const s = this.slots.get(id);
    if (!s) throw new LlmosError('LLMOS_ENOMODEL', `model "${id}" has no slots; it was removed. Retry with model "auto".`);
    await s.take(signal);
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

  setBudget(owner: string, b: Budget): void {
    this.budgets.set(owner, b);
  }

  budget(owner: string): { limit: Budget; spent: Spend; reserved: Spend } {
    return {
      limit: this.budgets.get(owner) ?? this.defaultBudget,
      spent: { ...(this.spent.get(owner) ?? { tokens: 0, cost_usd: 0 }) },
      reserved: { ...(this.reserved.get(owner) ?? { tokens: 0, cost_usd: 0 }) },
    };
  }

  /** The owner's budget as a handle (registered in each process's container). */
  handle(owner: string): BudgetHandle {
    return { owner, reserve: (worst) => this.reserve(owner, worst) };
  }

  /**
   * Reserves the worst case of a call against the owner's budget or throws
   * LLMOS_EBUDGET. Returns a settle function taking the actual spend.
   */
  reserve(owner: string, worst: Spend): (actual: Spend) => void {
    const { limit, spent, reserved } = this.budget(owner);
    const over = (k: keyof Spend) => limit[k] !== undefined && spent[k] + reserved[k] + worst[k] > limit[k]!;
    for (const k of ['tokens', 'cost_usd'] as const)
      if (over(k))
        throw new LlmosError(
          'LLMOS_EBUDGET',
          `owner "${owner}" would exceed its ${k} budget of ${formatSpend(k, limit[k]!)} (spent ${formatSpend(k, spent[k])}, in flight ${formatSpend(k, reserved[k])}, this call up to ${formatSpend(k, worst[k])}); lower max_tokens, pick a cheaper model, or raise the budget.`,
          { owner, budget: limit, spent, reserved, needed: worst },
        );
    // Sums below 1e-12 are float dust from settling; they are zero.
    const clean = (x: number) => (Math.abs(x) < 1e-12 ? 0 : x);
    const add = (m: Map<string, Spend>, d: Spend, sign: number) => {
      const cur = m.get(owner) ?? { tokens: 0, cost_usd: 0 };
      m.set(owner, { tokens: cur.tokens + sign * d.tokens, cost_usd: clean(cur.cost_usd + sign * d.cost_usd) });
    };
    add(this.reserved, worst, 1);
    let settled = false;
    return (actual) => {
      if (settled) return;
      settled = true;
      add(this.reserved, worst, -1);
      add(this.spent, actual, 1);
    };
  }
}
