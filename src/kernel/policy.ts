import { LlmosError } from '../core/errors.js';
import { accountOf, ANONYMOUS, OwnerPolicySchema, PolicyConfigSchema, type OwnerPolicy, type PolicyConfig, type PolicyStore } from '../core/policy.js';
import { describeIssues } from '../core/errors.js';

/** A policy with its defaults applied (budget.period filled in). */
export type ResolvedPolicy = Omit<OwnerPolicy, 'budget'> & { budget?: { tokens?: number; cost_usd?: number; period: 'lifetime' | 'daily' | 'monthly' } };

export type { PolicyStore } from '../core/policy.js';

/** Syscalls every owner may call whatever its allow list says: reading one's own policy. */
const ALWAYS = new Set(['policy_get']);

/** Owners whose resolved policy is cached before the cache starts over. */
const RESOLVED_CACHE = 10_000;

const matches = (pattern: string, name: string) => (pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : pattern === name);

/** How specific `pattern` is for `owner` (higher wins), or -1 when it does not apply. */
function specificity(pattern: string, owner: string): number {
  if (pattern === owner) return Number.MAX_SAFE_INTEGER;
  if (pattern === accountOf(owner) && pattern === ANONYMOUS) return Number.MAX_SAFE_INTEGER - 1;
  return pattern.endsWith('*') && owner.startsWith(pattern.slice(0, -1)) ? pattern.length : -1;
}

/**
 * Per-user policy: for each owner pattern, which syscalls and models an owner
 * may use, its budget, rates and queue share. The config's `policy` section is
 * the base; admins change entries at run time (policy_set), kept in the store
 * that all instances on the data dir share. Each field of an owner's policy
 * comes from the most specific pattern that sets it: the exact owner, then
 * "anonymous" for anonymous HTTP sessions, then prefixes longest first ("*" last).
 */
export class PolicyTable {
  private config: Record<string, OwnerPolicy> = {};
  private merged: Record<string, OwnerPolicy> = {};
  private seen = -1;
  /** Raised each time the entries are re-read: what caches of resolved policies are keyed on. */
  private generation = 0;
  /** resolve()'s answers for the current generation (bounded: owners are untrusted). */
  private readonly resolved = new Map<string, ResolvedPolicy>();

  constructor(private readonly store?: PolicyStore) {}

  /** Sets the config's entries (validated; LLMOS_EINVAL names the bad pattern). */
  configure(config: PolicyConfig = {}): void {
    const parsed = PolicyConfigSchema.safeParse(config);
    if (!parsed.success) throw new LlmosError('LLMOS_EINVAL', `policy section of the config: ${describeIssues(parsed.error)}; fix it and start again.`);
    this.config = parsed.data;
    this.seen = -1;
  }

  /** Forgets the merged entries, so the next lookup reads the store again (its store changed). */
  reload(): void {
    this.seen = -1;
  }

  /** Every entry in force: the config's, with run-time changes laid over. */
  entries(): Record<string, OwnerPolicy> {
    const v = this.store?.version() ?? 0;
    if (v !== this.seen) {
      const merged: Record<string, OwnerPolicy> = { ...this.config };
      for (const [pattern, p] of Object.entries(this.store?.loadPolicy() ?? {})) {
        if (p) merged[pattern] = p;
        else delete merged[pattern];
      }
      this.merged = merged;
      this.seen = v;
      this.generation++;
      this.resolved.clear();
    }
    return this.merged;
  }

  /**
   * A number that changes whenever any owner's policy or budget may have
   * changed, on this instance or another on the data dir (one read of the
   * store's version): a cache of anything derived from them is keyed on it.
   */
  stamp(): number {
    this.entries();
    return this.generation;
  }

  /** Replaces (or with null removes) one entry at run time; validated like the config. */
  set(pattern: string, policy: OwnerPolicy | null): void {
    const checked = policy === null ? null : OwnerPolicySchema.safeParse(policy);
    if (checked && !checked.success) throw new LlmosError('LLMOS_EINVAL', `policy for "${pattern}": ${describeIssues(checked.error)}. Fix the named fields and call again.`);
    if (!this.store) throw new LlmosError('LLMOS_EINTERNAL', 'the policy table has no store; this is a bug, please report it.');
    this.store.savePolicy(pattern, checked ? checked.data : null);
    this.seen = -1;
  }

  /** The patterns that apply to `owner`, most specific first. */
  patternsFor(owner: string): string[] {
    return Object.keys(this.entries())
      .map((p) => [p, specificity(p, owner)] as const)
      .filter(([, s]) => s >= 0)
      .sort((a, b) => b[1] - a[1])
      .map(([p]) => p);
  }

  /** The owner's policy, field by field from the most specific pattern that sets it. */
  resolve(owner: string): ResolvedPolicy {
    const all = this.entries();
    const hit = this.resolved.get(owner);
    if (hit) return hit;
    const out: Record<string, unknown> = {};
    for (const pattern of this.patternsFor(owner).reverse()) Object.assign(out, Object.fromEntries(Object.entries(all[pattern]).filter(([, v]) => v !== undefined)));
    if (out.budget) out.budget = { period: 'lifetime', ...(out.budget as object) };
    if (this.resolved.size >= RESOLVED_CACHE) this.resolved.clear();
    this.resolved.set(owner, Object.freeze(out) as ResolvedPolicy);
    return out as ResolvedPolicy;
  }

  /** Whether the owner's policy lists the syscall (policy_get always). */
  allowsSyscall(owner: string, name: string): boolean {
    const allowed = this.resolve(owner).syscalls;
    return !allowed || ALWAYS.has(name) || allowed.some((p) => matches(p, name));
  }

  /** Throws LLMOS_EPERM unless the owner's policy lists the syscall. */
  requireSyscall(owner: string, name: string): void {
    if (this.allowsSyscall(owner, name)) return;
    throw new LlmosError('LLMOS_EPERM', `your policy does not allow ${name} for "${owner}"; read what it allows with policy_get, or ask an admin to change it with policy_set.`, { owner, syscall: name });
  }

  /** Whether the owner's policy lets it run on the model. */
  mayUseModel(owner: string, model: string): boolean {
    const allowed = this.resolve(owner).models;
    return !allowed || allowed.some((p) => matches(p, model));
  }

  /** Throws LLMOS_EPERM when the owner's policy does not list the model ("auto" is always allowed: it picks among listed ones). */
  requireModel(owner: string, model: string): void {
    if (model === 'auto' || this.mayUseModel(owner, model)) return;
    throw new LlmosError('LLMOS_EPERM', `your policy does not allow model "${model}" for "${owner}"; use "auto" or a model policy_get lists.`, { owner, model });
  }
}
