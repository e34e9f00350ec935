import type { Budget, Spend } from './kernel-api.js';
import type { PolicyStore } from './policy.js';

/** What an account has spent in one period and what calls in flight hold against it. */
export interface LedgerState {
  spent: Spend;
  reserved: Spend;
}

/** A value now, or once a store answers (a remote ledger is asynchronous). */
export type Awaitable<T> = T | Promise<T>;

/** Names one reservation, as reserve() returned it; opaque to the caller. */
export type HoldId = number | string;

/**
 * Where spend and per-account budgets live: the kernel extension point that
 * makes budgets hold for everyone who shares the store. The kernel's default
 * is SQLite under the data dir (every instance on that dir); a plugin may
 * provide one (PluginScope.spendLedger, e.g. queue-redis: every node of a
 * cluster). At most one per kernel.
 *
 * Contract: reserve() checks spent + held + worst against the limit and
 * records the hold in one atomic step, so instances racing for one account
 * can never both pass its limit. A hold whose instance dies must stop
 * counting eventually (the store's own liveness rule), so a crash does not
 * eat a budget. `period` is an opaque key ("lifetime", "d:2030-01-31",
 * "m:2030-01"): spend in different periods never mixes.
 */
export interface SpendLedger {
  state(account: string, period: string): Awaitable<LedgerState>;
  /** Holds `worst` if it fits within `limit` (absent fields unlimited); else returns the state that refused it. */
  reserve(account: string, period: string, limit: Budget, worst: Spend): Awaitable<{ id: HoldId } | { refused: LedgerState }>;
  /** Optional: charges spend no hold covered (an account without a limit, which nothing can refuse), in one write; absent, such calls reserve and settle. */
  charge?(account: string, period: string, actual: Spend): Awaitable<void>;
  /** Optional: resolves once every charge made so far is stored, for a ledger that batches its writes; undefined when none waits. */
  durable?(): Promise<void> | undefined;
  /** Ends a hold and charges what the call actually spent to the hold's account and period. Acts on a hold once. */
  settle(id: HoldId, actual: Spend): Awaitable<void>;
  /** The account's own limit (budget_set), if any. */
  budget(account: string): Awaitable<Budget | undefined>;
  setBudget(account: string, b: Budget): Awaitable<void>;
  /** Where run-time policy changes are kept alongside this spend (absent: the data dir's), so a policy_set budget holds wherever the spend does. */
  readonly policy?: PolicyStore;
}
