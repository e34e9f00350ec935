import { z } from 'zod';
import { accountOf, OwnerPolicySchema } from '../../core/policy.js';
import { defineSyscall } from '../../core/syscall.js';
import type { Kernel } from '../kernel.js';

const PolicySchema = z.object({
  owner: z.string(),
  account: z.string().describe('Who pays: the owner, or "anonymous" for every anonymous HTTP session.'),
  admin: z.boolean().describe('Admins may call every syscall whatever their policy says.'),
  patterns: z.array(z.string()).describe('The entries that apply, most specific first.'),
  policy: z.record(z.string(), z.unknown()).describe('The policy in force, each field from the most specific entry that sets it; an absent field is unrestricted.'),
  max_queued: z.number().int().describe('Processes the account may have queued (policy, else an equal share of LLMOS_MAX_QUEUE).'),
});

/** The owner's policy as policy_get shows it. */
function policyRecord(k: Kernel, owner: string): z.input<typeof PolicySchema> {
  return { owner, account: accountOf(owner), admin: k.perms.isAdmin(owner), patterns: k.policy.patternsFor(owner), policy: k.policy.resolve(owner), max_queued: k.queueShare(owner) };
}

/** Reading one's own policy (anyone) and changing any (admins only, at run time, for every instance on the data dir). */
export const policySyscalls = (k: Kernel) => [
  defineSyscall({
    name: 'policy_get',
    toolset: 'admin',
    title: 'Get a policy',
    description: 'What an owner may use (syscalls, models, budget, rate limits, queue share) and which config entries say so.',
    input: z.object({
      owner: z.string().min(1).max(200).optional().describe('Whose policy; omitted means the caller.'),
      all: z.boolean().default(false).describe('Also list every entry (admins only).'),
    }),
    output: PolicySchema.extend({ entries: z.record(z.string(), z.unknown()).optional() }),
    annotations: { readOnlyHint: true, idempotentHint: true },
    handler({ owner, all }, ctx) {
      const o = owner ?? ctx.owner;
      if (o !== ctx.owner) k.perms.requireAdmin(ctx.owner, `policy_get for "${o}"`);
      if (all) k.perms.requireAdmin(ctx.owner, 'policy_get {all: true}');
      return { ...policyRecord(k, o), ...(all && { entries: k.policy.entries() }) };
    },
  }),
  defineSyscall({
    name: 'policy_set',
    toolset: 'admin',
    title: 'Set a policy entry',
    description:
      'Set or remove (null) the policy of an owner pattern ("user:alice", "user:*", "*") at run time; kept across restarts.',
    input: z.object({
      pattern: z.string().min(1).max(200).describe('Owner name, prefix ending in "*", "anonymous", or "*".'),
      policy: OwnerPolicySchema.nullable().describe('The whole entry (fields left out are inherited from less specific patterns); null removes it.'),
    }),
    output: z.object({ entries: z.record(z.string(), z.unknown()) }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
    admin: true,
    handler({ pattern, policy }) {
      k.policy.set(pattern, policy);
      return { entries: k.policy.entries() };
    },
  }),
];
