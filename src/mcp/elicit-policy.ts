/**
 * Elicitation within policy. Before a proc_spawn that its owner's policy
 * would refuse (a model the policy does not list) or that would not fit the
 * owner's budget, a client that declared elicitation is asked to choose how
 * to go on, among choices the policy already permits:
 *  - a permitted model the call fits on (for a budget: a cheaper one);
 *  - fewer max_tokens, as many as the budget has room for;
 *  - waiting for the budget period to renew (daily and monthly budgets,
 *    when the whole call fits a fresh period).
 * Nothing offered ever exceeds a budget; only an admin raises one. A
 * decline, a cancel, or an answer that is not one of the choices gets the
 * coded error (LLMOS_EPERM or LLMOS_EBUDGET) and spawns nothing. Clients
 * without elicitation, and calls with nothing permitted to offer, go on
 * unchanged and get the coded error as before.
 */
import type { ElicitRequestFormParams, ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { LlmosError } from '../core/errors.js';
import { completionRequest, costOf, type ModelInfo } from '../core/model.js';
import { TaskSchema, taskMessages, type Task } from '../core/task.js';
import { estimatePromptTokens } from '../core/token-estimate.js';
import { formatSpend } from '../kernel/budgets.js';
import type { Kernel } from '../kernel/kernel.js';

/** Asks the client (elicitation/create, form mode). */
export type Elicit = (params: ElicitRequestFormParams) => Promise<ElicitResult>;

/** Whether a client's capabilities include form elicitation (an empty elicitation object means form). */
export const elicitsForms = (caps: { elicitation?: { form?: object; url?: object } } | undefined): boolean => !!caps?.elicitation && (!!caps.elicitation.form || !caps.elicitation.url);

interface Choice {
  value: string;
  title: string;
  args: Record<string, unknown>;
  /** Epoch ms to wait until before the call goes on. */
  until?: number;
}

/** What one proc_spawn call would spend, and the room its owner has left. */
interface Spend {
  task: Task;
  prompt: number;
  models: ModelInfo[];
  left: { tokens: number; cost_usd: number };
  limit: { tokens?: number; cost_usd?: number; period: string };
}

/** Longest single timer (setTimeout's range); a longer wait sleeps in steps. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * The arguments the call goes on with: `args` unchanged when nothing is in
 * the way (or the client cannot be asked), else as the person chose.
 * Throws the coded error when the offer was declined.
 */
export async function withinPolicy(kernel: Kernel, owner: string, syscall: string, args: Record<string, unknown>, elicit: Elicit | undefined, signal: AbortSignal): Promise<Record<string, unknown>> {
  if (!elicit || syscall !== 'proc_spawn' || !maySpawn(kernel, owner)) return args;
  const spend = await spendOf(kernel, owner, args);
  const problem = spend && refusal(kernel, owner, spend);
  if (!spend || !problem) return args;
  const choices = choicesFor(kernel, owner, spend, problem, args);
  if (!choices.length) return args;
  const answer = await elicit({
    mode: 'form',
    message: `${problem.code}: ${problem.message} Choose one of these, which your policy permits, or decline.`,
    requestedSchema: { type: 'object', properties: { choice: { type: 'string', title: 'How to go on', oneOf: choices.map((c) => ({ const: c.value, title: c.title })) } }, required: ['choice'] },
  }).catch(() => ({ action: 'cancel' as const }));
  const picked = answer.action === 'accept' ? choices.find((c) => c.value === answer.content?.choice) : undefined;
  if (!picked) throw new LlmosError(problem.code, problem.message, { ...problem.data, elicitation: answer.action });
  for (let left = (picked.until ?? 0) - Date.now(); left > 0; left = picked.until! - Date.now()) await sleep(Math.min(left, MAX_TIMER_MS), undefined, { signal });
  return picked.args;
}

/**
 * The call's spend: its prompt counted by every model it could run on that
 * counts (the kernel's estimate for the rest), the largest taken, so a choice
 * offered is one admission will grant.
 */
/** Whether the owner may call proc_spawn at all (else dispatch refuses it, and there is nothing to offer). */
function maySpawn(kernel: Kernel, owner: string): boolean {
  if (kernel.perms.isAdmin(owner)) return true;
  try {
    kernel.policy.requireSyscall(owner, 'proc_spawn');
    return true;
  } catch {
    return false;
  }
}

async function spendOf(kernel: Kernel, owner: string, args: Record<string, unknown>): Promise<Spend | undefined> {
  const parsed = TaskSchema.safeParse(args);
  if (!parsed.success || parsed.data.embed) return undefined;
  const task = parsed.data;
  const { limit, spent, reserved, period } = await kernel.res.budget(owner);
  if (limit.tokens === undefined && limit.cost_usd === undefined && kernel.policy.mayUseModel(owner, task.model)) return undefined; // nothing to refuse: skip the counting
  const request = completionRequest(task, taskMessages(task), task.max_tokens);
  const models = kernel.models.available().filter((m) => (!m.owner || m.owner === owner) && kernel.policy.mayUseModel(owner, m.id));
  const counts = await Promise.all(models.map(async (m) => Promise.resolve(kernel.models.get(m.id)?.backend.countTokens?.(request)).then((n) => n ?? 0, () => 0)));
  const prompt = Math.max(estimatePromptTokens(request), ...counts);
  const left = { tokens: (limit.tokens ?? Infinity) - spent.tokens - reserved.tokens, cost_usd: (limit.cost_usd ?? Infinity) - spent.cost_usd - reserved.cost_usd };
  return { task, prompt, models, left, limit: { ...limit, period } };
}

const fits = (s: Spend, m: ModelInfo, maxTokens: number, room = s.left) => s.prompt + maxTokens <= room.tokens && costOf(m, s.prompt, maxTokens) <= room.cost_usd + 1e-12;

/** The cheapest model the call could run on: the one it names, else the cheapest permitted. */
function target(kernel: Kernel, owner: string, s: Spend): ModelInfo | undefined {
  if (s.task.model !== 'auto') return s.models.find((m) => m.id === s.task.model);
  return s.models.filter((m) => kernel.policy.mayUseModel(owner, m.id)).sort((a, b) => costOf(a, s.prompt, s.task.max_tokens) - costOf(b, s.prompt, s.task.max_tokens))[0];
}

/** The coded error the call would meet: the model is not permitted, or it does not fit the budget. */
function refusal(kernel: Kernel, owner: string, s: Spend): LlmosError | undefined {
  try {
    kernel.policy.requireModel(owner, s.task.model);
  } catch (e) {
    return e as LlmosError;
  }
  const m = target(kernel, owner, s);
  if (!m || fits(s, m, s.task.max_tokens)) return undefined;
  const need = { tokens: s.prompt + s.task.max_tokens, cost_usd: costOf(m, s.prompt, s.task.max_tokens) };
  const left = `${formatSpend('tokens', Math.max(0, s.left.tokens))} tokens, ${Number.isFinite(s.left.cost_usd) ? formatSpend('cost_usd', Math.max(0, s.left.cost_usd)) : 'unlimited cost'}`;
  return new LlmosError('LLMOS_EBUDGET', `owner "${owner}" would exceed its ${s.limit.period} budget: this call needs up to ${formatSpend('tokens', need.tokens)} tokens (${formatSpend('cost_usd', need.cost_usd)}) on "${m.id}", and ${left} are left.`, { owner, needed: need, left: s.left, model: m.id });
}

/** Every choice the policy permits that gets the call past `problem`, cheapest models first. */
function choicesFor(kernel: Kernel, owner: string, s: Spend, problem: LlmosError, args: Record<string, unknown>): Choice[] {
  const permitted = s.models.filter((m) => kernel.policy.mayUseModel(owner, m.id));
  const asked = s.task.model === 'auto' ? undefined : permitted.find((m) => m.id === s.task.model);
  const costNow = asked ? costOf(asked, s.prompt, s.task.max_tokens) : Infinity;
  const out: Choice[] = permitted
    .filter((m) => m.id !== s.task.model && fits(s, m, s.task.max_tokens) && (problem.code === 'LLMOS_EPERM' || costOf(m, s.prompt, s.task.max_tokens) < costNow))
    .sort((a, b) => costOf(a, s.prompt, s.task.max_tokens) - costOf(b, s.prompt, s.task.max_tokens))
    .slice(0, 5)
    .map((m) => ({ value: `model:${m.id}`, title: `Run on "${m.id}" (up to ${formatSpend('cost_usd', costOf(m, s.prompt, s.task.max_tokens))})`, args: { ...args, model: m.id } }));
  const m = problem.code === 'LLMOS_EBUDGET' ? (asked ?? target(kernel, owner, s)) : undefined;
  if (!m) return out;
  const n = fewerTokens(s, m);
  if (n >= 1 && n < s.task.max_tokens) out.push({ value: `max_tokens:${n}`, title: `Answer in at most ${n} tokens instead of ${s.task.max_tokens}`, args: { ...args, max_tokens: n } });
  const renews = renewal(s.limit.period);
  if (renews && fits(s, m, s.task.max_tokens, { tokens: s.limit.tokens ?? Infinity, cost_usd: s.limit.cost_usd ?? Infinity }))
    out.push({ value: `wait:${new Date(renews).toISOString()}`, title: `Wait until the ${s.limit.period} budget renews (${new Date(renews).toISOString()}), then run`, args, until: renews });
  return out;
}

/** The most max_tokens that fit the room left on model `m`. */
function fewerTokens(s: Spend, m: ModelInfo): number {
  const byTokens = s.left.tokens - s.prompt;
  const perToken = m.pricing.output_per_1k / 1000;
  const byCost = perToken > 0 ? (s.left.cost_usd - costOf(m, s.prompt, 0)) / perToken : Infinity;
  return Math.floor(Math.min(byTokens, byCost, s.task.max_tokens));
}

/** When a daily or monthly budget period starts again (UTC), or undefined for a lifetime budget. */
function renewal(period: string, now = new Date()): number | undefined {
  if (period === 'daily') return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  if (period === 'monthly') return Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  return undefined;
}
