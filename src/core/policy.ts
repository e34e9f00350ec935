import { z } from 'zod';

/** How long a budget's spend accumulates before it starts again from zero (UTC calendar periods). */
export const BudgetPeriodSchema = z.enum(['lifetime', 'daily', 'monthly']);
export type BudgetPeriod = z.infer<typeof BudgetPeriodSchema>;

export const PolicyBudgetSchema = z
  .object({
    tokens: z.number().int().min(0).optional().describe('Prompt + completion tokens per period; absent for unlimited.'),
    cost_usd: z.number().min(0).optional().describe('US dollars per period; absent for unlimited.'),
    period: BudgetPeriodSchema.default('lifetime').describe('lifetime (default), daily or monthly (UTC).'),
  })
  .strict();

/**
 * What one user or owner pattern may do. Every field is optional: an absent
 * field is taken from the next less specific pattern that sets it, and
 * absent everywhere means unrestricted (queue share: see max_queued).
 */
export const OwnerPolicySchema = z
  .object({
    syscalls: z
      .array(z.string().min(1).max(80))
      .max(500)
      .optional()
      .describe('Syscalls the owner may call: names, or prefixes ending in "*" ("proc_*", "kg_*"); ["*"] for all. policy_get is always allowed.'),
    models: z.array(z.string().min(1).max(200)).max(500).optional().describe('Model ids (or prefixes ending in "*") the owner may run on; "auto" chooses among these only.'),
    budget: PolicyBudgetSchema.optional(),
    rpm: z.number().int().positive().optional().describe('Spawns per minute; more are refused with LLMOS_ERATELIMIT.'),
    tpm: z.number().int().positive().optional().describe('Tokens (prompt + max_tokens) admitted per minute; calls wait for room.'),
    max_queued: z.number().int().positive().optional().describe('Processes the owner may have waiting in the run queue; default: LLMOS_MAX_QUEUE / LLMOS_QUEUE_SHARES.'),
  })
  .strict();
export type OwnerPolicy = z.input<typeof OwnerPolicySchema>;

/** Owner pattern → policy: "user:alice" (exact), "user:*" / "http:*" (prefix), "anonymous", "stdio", or "*". */
export const PolicyConfigSchema = z.record(z.string().min(1).max(200), OwnerPolicySchema);
export type PolicyConfig = z.input<typeof PolicyConfigSchema>;

/**
 * Where run-time policy changes (policy_set) are kept, so every instance that
 * shares the store sees them: the data dir's SQLite ledger, or a spend
 * ledger's own (SpendLedger.policy, e.g. Redis for a cluster). Synchronous,
 * because policy is read on every syscall: a remote store answers from a
 * copy it keeps fresh.
 */
export interface PolicyStore {
  /** Run-time entries, pattern → policy; null removes an entry that config set. */
  loadPolicy(): Record<string, OwnerPolicy | null>;
  savePolicy(pattern: string, policy: OwnerPolicy | null): void;
  /** Changes whenever the entries changed (here or, as far as known, elsewhere); cheap to call on every lookup. */
  version(): number;
}

/** The account that pays for anonymous sessions: every `http:<id>` and `sse:<id>` owner shares it. */
export const ANONYMOUS = 'anonymous';

/**
 * The principal an owner's spend, budget, rates and queue share belong to.
 * An anonymous HTTP session (`http:<id>`, `sse:<id>`) is a new owner on every
 * connect, so all of them share the "anonymous" account: reconnecting never
 * buys a fresh budget. Every other owner ("user:alice", "stdio") is its own account.
 */
export function accountOf(owner: string): string {
  return /^(http|sse):/.test(owner) ? ANONYMOUS : owner;
}
