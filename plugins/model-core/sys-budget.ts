import { defineSyscall, z, type KernelApi, type SyscallContext } from '../../src/plugin-api/index.js';

const Spend = z.object({ tokens: z.number(), cost_usd: z.number() });
const Period = z.enum(['lifetime', 'daily', 'monthly']);
export const BudgetSchema = z.object({
  owner: z.string(),
  account: z.string().describe('Whose spend: the owner, or "anonymous", which every anonymous HTTP session shares (reconnecting gives no fresh budget).'),
  period: Period.describe('Spent and reserved cover the current period (UTC).'),
  limit: z.object({ tokens: z.number().nullable(), cost_usd: z.number().nullable() }).describe('null means unlimited.'),
  spent: Spend,
  reserved: Spend.describe('Worst case of calls in flight, held until they settle.'),
  remaining: z.object({ tokens: z.number().nullable(), cost_usd: z.number().nullable() }).describe('limit − spent − reserved; null when unlimited.'),
});

const Owner = z.string().min(1).max(200).optional().describe('Whose budget; omitted or "self" means the caller.');
const who = (owner: string | undefined, ctx: SyscallContext) => (!owner || owner === 'self' ? ctx.owner : owner);

export async function budgetRecord(k: KernelApi, owner: string): Promise<z.infer<typeof BudgetSchema>> {
  const b = await k.budget(owner);
  const left = (key: 'tokens' | 'cost_usd') => (b.limit[key] === undefined ? null : b.limit[key]! - b.spent[key] - b.reserved[key]);
  return {
    owner,
    account: b.account,
    period: b.period,
    limit: { tokens: b.limit.tokens ?? null, cost_usd: b.limit.cost_usd ?? null },
    spent: b.spent,
    reserved: b.reserved,
    remaining: { tokens: left('tokens'), cost_usd: left('cost_usd') },
  };
}

/**
 * Budgets are checked before every model call at the call's worst case
 * (prompt + max_tokens), so an owner never overspends (LLMOS_EBUDGET).
 */
export const budgetSyscalls = (k: KernelApi) => [
  defineSyscall({
    name: 'budget_set',
    toolset: 'admin',
    title: 'Set a budget',
    description:
      'Set an owner\'s token and/or USD budget per period (lifetime, daily, monthly); null removes a limit. Calls that could overspend fail with LLMOS_EBUDGET. Non-admins may only lower their own.',
    input: z.object({
      owner: Owner,
      tokens: z.number().int().min(0).nullable().optional().describe('Prompt + completion tokens; null for unlimited.'),
      cost_usd: z.number().min(0).nullable().optional().describe('US dollars; null for unlimited.'),
      period: Period.optional().describe('When spend starts again from zero; left out keeps the current one.'),
    }),
    output: BudgetSchema,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
    async handler({ owner, tokens, cost_usd, period }, ctx) {
      const o = who(owner, ctx);
      const { limit: cur, account, period: curPeriod } = await k.budget(o);
      const pick = (given: number | null | undefined, old: number | undefined) => (given === undefined ? old : given ?? undefined);
      const next = { tokens: pick(tokens, cur.tokens), cost_usd: pick(cost_usd, cur.cost_usd), period: period ?? curPeriod };
      if (!k.isAdmin(ctx.owner)) {
        if (o !== ctx.owner) k.requireAdmin(ctx.owner, `budget_set for "${o}"`);
        if (account !== o) k.requireAdmin(ctx.owner, `budget_set for the shared "${account}" account`);
        if (next.period !== curPeriod) k.requireAdmin(ctx.owner, 'changing your budget\'s period');
        const raises = (key: 'tokens' | 'cost_usd') => cur[key] !== undefined && (next[key] === undefined || next[key]! > cur[key]!);
        if (raises('tokens') || raises('cost_usd')) k.requireAdmin(ctx.owner, 'raising or lifting your own budget');
      }
      await k.setBudget(o, Object.fromEntries(Object.entries(next).filter(([, v]) => v !== undefined)));
      return budgetRecord(k, o);
    },
  }),
  defineSyscall({
    name: 'budget_get',
    toolset: 'admin',
    title: 'Get a budget',
    description: 'How much of an owner\'s token and cost budget is spent, reserved and left (others\': admins only).',
    input: z.object({ owner: Owner }),
    output: BudgetSchema,
    annotations: { readOnlyHint: true, idempotentHint: true },
    handler({ owner }, ctx) {
      const o = who(owner, ctx);
      if (o !== ctx.owner) k.requireAdmin(ctx.owner, `budget_get for "${o}"`);
      return budgetRecord(k, o);
    },
  }),
];
