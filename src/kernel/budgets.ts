import { LlmosError } from '../core/errors.js';
import { accountOf, type BudgetPeriod } from '../core/policy.js';
import type { Budget, Spend } from '../core/kernel-api.js';
import type { LedgerState, SpendLedger } from '../core/ledger.js';
import type { Logger } from '../core/log.js';
import type { PolicyTable } from './policy.js';

export type { Budget, Spend } from '../core/kernel-api.js';

/** One owner's budget, bound to that owner: what the admission step reserves against and settles. */
export interface BudgetHandle {
  readonly owner: string;
  /** Reserves a call's worst case or rejects with LLMOS_EBUDGET; resolves to settle(actual), which acts once. */
  reserve(worst: Spend): Promise<(actual: Spend) => void>;
}

/** An owner's budget as budget_get shows it: for its account, in the current period. */
export interface BudgetView {
  account: string;
  period: BudgetPeriod;
  limit: Budget;
  spent: Spend;
  reserved: Spend;
}

/** A spend as people read it: tokens as a whole number, money in dollars to three significant digits (cents from $1). */
export function formatSpend(k: keyof Spend, v: number): string {
  if (k === 'tokens') return String(Math.round(v));
  return `$${Math.abs(v) >= 1 ? v.toFixed(2) : String(+v.toPrecision(3))}`;
}

/** Owners whose limit is cached before the cache starts over (owners are untrusted, so it is bounded). */
const LIMIT_CACHE = 10_000;

/** The ledger key of the period containing `now` (UTC): "lifetime", "d:2025-06-01" or "m:2025-06". */
export function periodKey(period: BudgetPeriod, now?: Date): string {
  if (period === 'lifetime') return 'lifetime'; // no clock read: most accounts' period, once per call
  const iso = (now ?? new Date()).toISOString();
  return period === 'daily' ? `d:${iso.slice(0, 10)}` : `m:${iso.slice(0, 7)}`;
}

/**
 * Token and cost budgets. Spend belongs to the owner's account (see
 * accountOf: anonymous sessions share one) and lives in the spend ledger
 * (see SpendLedger: SQLite under the data dir by default, or one a plugin
 * provides, e.g. Redis for a cluster), so it survives restarts and is
 * shared by everyone on that ledger. The limit is the account's own
 * (budget_set), else its policy's, else the default. Reserved at the worst
 * case BEFORE a call and settled after, so no account is ever overspent,
 * even with calls in flight on several instances.
 */
export class Budgets {
  /** limit()'s answers, valid while the policy's stamp (which budget_set raises too) is `stamp`. */
  private readonly limits = new Map<string, Readonly<Budget & { period: BudgetPeriod }>>();
  private stamp = -1;

  constructor(
    /** The ledger in force; read on every call, so a plugin's ledger takes over once provided. */
    private readonly ledger: () => SpendLedger,
    private readonly policy: PolicyTable,
    private readonly defaultBudget: Budget = {},
    private readonly log?: Logger,
  ) {}

  /** The owner's limit with its period resolved; cached per owner until a policy or budget changes (the policy's stamp). */
  async limit(owner: string): Promise<Readonly<Budget & { period: BudgetPeriod }>> {
    const stamp = this.policy.stamp();
    if (stamp !== this.stamp) (this.limits.clear(), (this.stamp = stamp));
    const hit = this.limits.get(owner);
    if (hit) return hit;
    const own = await this.ledger().budget(accountOf(owner));
    const fromPolicy = this.policy.resolve(owner).budget;
    const limit = own ?? fromPolicy ?? this.defaultBudget;
    const resolved = Object.freeze({ ...limit, period: limit.period ?? fromPolicy?.period ?? 'lifetime' });
    if (this.limits.size >= LIMIT_CACHE) this.limits.clear();
    this.limits.set(owner, resolved);
    return resolved;
  }

  async budget(owner: string): Promise<BudgetView> {
    const account = accountOf(owner);
    const { period, ...limit } = await this.limit(owner);
    return { account, period, limit, ...(await this.ledger().state(account, periodKey(period))) };
  }

  /** Sets the limit of the owner's account (all anonymous sessions share one). */
  async setBudget(owner: string, b: Budget): Promise<void> {
    await this.ledger().setBudget(accountOf(owner), b);
    this.limits.clear(); // at once here; other instances see the store's stamp move
  }

  handle(owner: string): BudgetHandle {
    return { owner, reserve: (worst) => this.reserve(owner, worst) };
  }

  /**
   * Reserves the worst case of a call or rejects with LLMOS_EBUDGET; resolves
   * to settle(actual), which acts once. A settle the ledger fails to record
   * is logged: its hold lapses by the ledger's liveness rule.
   */
  async reserve(owner: string, worst: Spend): Promise<(actual: Spend) => void> {
    const account = accountOf(owner);
    const { period, ...limit } = await this.limit(owner);
    const ledger = this.ledger();
    const key = periodKey(period);
    // An account without a limit cannot be refused: nothing is held, and settle is one write.
    const unlimited = limit.tokens === undefined && limit.cost_usd === undefined && ledger.charge;
    const r = unlimited ? undefined : await ledger.reserve(account, key, limit, worst);
    if (r && 'refused' in r) throw this.refusal(owner, account, period, limit, r.refused, worst);
    let settled = false;
    return (actual) => {
      if (settled) return;
      settled = true;
      const failed = (err: unknown) => this.log?.warn({ err, account, actual }, 'the spend ledger could not record a call\'s spend');
      try {
        void Promise.resolve(r ? ledger.settle(r.id, actual) : ledger.charge!(account, key, actual)).catch(failed);
      } catch (err) {
        failed(err);
      }
    };
  }

  private refusal(owner: string, account: string, period: BudgetPeriod, limit: Budget, s: LedgerState, worst: Spend): LlmosError {
    const k = (['tokens', 'cost_usd'] as const).find((key) => limit[key] !== undefined && s.spent[key] + s.reserved[key] + worst[key] > limit[key]!)!;
    const whose = account === owner ? `owner "${owner}"` : `owner "${owner}" (account "${account}")`;
    const per = period === 'lifetime' ? '' : ` ${period}`;
    return new LlmosError(
      'LLMOS_EBUDGET',
      `${whose} would exceed its${per} ${k} budget of ${formatSpend(k, limit[k]!)} (spent ${formatSpend(k, s.spent[k])}, in flight ${formatSpend(k, s.reserved[k])}, this call up to ${formatSpend(k, worst[k])}); lower max_tokens, pick a cheaper model, or raise the budget.`,
      { owner, account, period, budget: limit, spent: s.spent, reserved: s.reserved, needed: worst },
    );
  }
}
