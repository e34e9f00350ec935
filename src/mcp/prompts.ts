import { TASK_TYPES } from '../core/task.js';
import type { Kernel } from '../kernel/kernel.js';

/** What one prompt argument is; prompts/get checks values against it (see prompt-server.ts). */
export interface PromptArg {
  description: string;
  required?: boolean;
  /** A positive number, written as text (prompt arguments are strings). */
  number?: boolean;
  /** Values completion/complete offers this caller (prefix-filtered there); the only ones accepted when `closed`. */
  choices?(kernel: Kernel, owner: string): string[];
  closed?: boolean;
  /** A comma-separated list of choices: each item is completed and checked. */
  list?: boolean;
}

/** One MCP prompt: a common job written out as a message that tells the model which LLMOS tools to call. */
export interface PromptDef {
  name: string;
  title: string;
  description: string;
  /** The tools its message uses: the prompt is offered only to a caller offered every one (toolsets, read-only, policy). */
  tools: string[];
  args: Record<string, PromptArg>;
  text(kernel: Kernel, owner: string, args: Record<string, string>): string | Promise<string>;
}

/** Model ids the owner may run a task on: "auto", then every admitted model its policy allows (its own private ones too). */
export const modelIds = (kernel: Kernel, owner: string): string[] => [
  'auto',
  ...kernel.models
    .available()
    .filter((m) => (!m.owner || m.owner === owner) && kernel.policy.mayUseModel(owner, m.id))
    .map((m) => m.id),
];

/** Owners whose processes the caller may read: every owner with a process for an admin, else itself only. */
function visibleOwners(kernel: Kernel, owner: string): string[] {
  if (!kernel.perms.isAdmin(owner)) return [owner];
  const owners = new Set([owner]);
  for (const p of kernel.procs.scan()) owners.add(p.owner);
  return [...owners];
}

/** The models the owner may use, one line each with price and context, for the model to choose from. */
function modelLines(kernel: Kernel, owner: string): string {
  const ids = new Set(modelIds(kernel, owner));
  const lines = kernel.models
    .available()
    .filter((m) => ids.has(m.id))
    .map((m) => `- ${m.id}: $${m.pricing.input_per_1k}/$${m.pricing.output_per_1k} per 1k tokens in/out, context ${m.capabilities.context_window}`);
  return lines.length ? lines.join('\n') : '- none admitted yet (an admin adds one with model_register)';
}


const taskType: PromptArg = { description: `Task type: ${TASK_TYPES.join(', ')}`, choices: () => [...TASK_TYPES], closed: true };

export const PROMPTS: PromptDef[] = [
  {
    name: 'delegate',
    title: 'Delegate a task within a budget',
    description: 'Run a task on the best model LLMOS offers without spending more than a budget.',
    tools: ['proc_spawn', 'model_list'],
    args: {
      task: { description: 'What to do, as you would prompt a model', required: true },
      budget_usd: { description: 'Most to spend on this task, in USD', number: true },
      type: taskType,
      model: { description: 'A model to use instead of choosing ("auto": the allocator)', choices: modelIds, closed: true },
    },
    async text(kernel, owner, a) {
      const b = await kernel.res.budget(owner);
      return [
        `Delegate this task to the best model within budget.\n\nTask:\n${a.task}\n`,
        `Budget: ${a.budget_usd ? `at most $${a.budget_usd} for this task` : 'none given for this task'}; account ${b.account} has spent ${JSON.stringify(b.spent)} of ${JSON.stringify(b.limit)} this ${b.period}.`,
        `Models you may use:\n${modelLines(kernel, owner)}\n`,
        a.model
          ? `Use model "${a.model}".`
          : `Choose the model: model_list shows each one's measured accuracy per task type${a.type ? ` (this task is "${a.type}")` : ''}; prefer the most accurate whose price fits the budget, or "auto" to let the allocator choose.`,
        `Then call proc_spawn {"prompt": <the task>, "model": <choice>${a.type ? `, "type": "${a.type}"` : ''}, "max_tokens": <enough to answer, within budget>, "wait": true}.`,
        'Report the answer, the model that ran it and its cost (usage.cost_usd).',
      ].join('\n');
    },
  },
  {
    name: 'compare_models',
    title: 'Compare models on my examples',
    description: 'Score several models on your own examples and say which to use.',
    tools: ['model_eval', 'model_compare'],
    args: {
      examples: { description: 'One example a line: prompt => expected answer', required: true },
      models: { description: 'Comma-separated model ids (default: every model)', choices: (k, owner) => modelIds(k, owner).filter((m) => m !== 'auto'), closed: true, list: true },
      type: taskType,
    },
    text: (kernel, owner, a) =>
      [
        'Compare models on these examples and recommend one.\n\nExamples (prompt => expected):',
        a.examples,
        `\nModels: ${a.models || modelIds(kernel, owner).filter((m) => m !== 'auto').join(', ')}.`,
        `For each model call model_eval {"model": <id>, "items": [{"prompt", "expected", "scorer": "contains"}${a.type ? `, …], "task_type": "${a.type}"` : ', …]'}} (use "exact" or "numeric-tolerance" where the answer is exact or a number).`,
        'Then call model_compare for those models, and report a table of accuracy, latency p50, tokens/s and cost per model, and which model to use and why.',
      ].join('\n'),
  },
  {
    name: 'plan_capacity',
    title: 'Plan capacity',
    description: 'Find how many model servers keep the queue wait under a target, from the measured load.',
    tools: ['sched_stats', 'capacity_plan'],
    args: {
      target_wait_s: { description: 'Longest acceptable mean wait in the queue, in seconds', required: true, number: true },
      arrival_rate: { description: 'Expected requests per second (default: the measured throughput)', number: true },
      scheduler: { description: 'The scheduler to plan for', choices: (k) => k.schedulers.names(), closed: true },
    },
    text: (kernel, _owner, a) =>
      [
        `Plan capacity so the mean queue wait stays under ${a.target_wait_s} s${a.scheduler ? ` with the ${a.scheduler} scheduler` : ` (active scheduler: ${kernel.schedulers.active().name})`}.`,
        `1. Call sched_stats: arrival rate λ = ${a.arrival_rate ? `${a.arrival_rate}/s (given)` : 'its throughput_per_s'}; per-server service rate μ = 1 / (mean response time − mean wait), in seconds.`,
        `2. Call capacity_plan {"arrival_rate": λ, "service_rate": μ, "target_wait": ${a.target_wait_s}}.`,
        '3. Report the number of servers (model slots) needed, utilisation ρ and the expected wait, and whether the current setup meets the target.',
      ].join('\n'),
  },
  {
    name: 'review_usage',
    title: 'Review usage',
    description: "Summarise an owner's processes, failures and spend.",
    tools: ['proc_list'],
    args: { owner: { description: 'Whose usage ("self": yours; others need admin)', choices: (k, owner) => ['self', ...visibleOwners(k, owner)] } },
    async text(kernel, owner, a) {
      const who = !a.owner || a.owner === 'self' ? owner : a.owner;
      if (who !== owner) kernel.perms.requireAdmin(owner, `reviewing the usage of "${who}"`);
      const b = await kernel.res.budget(who);
      return [
        `Review the usage of ${who}: spent ${JSON.stringify(b.spent)} of ${JSON.stringify(b.limit)} this ${b.period}.`,
        `Call proc_list {"owner": ${JSON.stringify(who)}} (page with cursor while next_cursor is set).`,
        'Report: processes by state and exit, the models used, failures with their error codes and what to do about them, and the tokens and cost spent.',
      ].join('\n');
    },
  },
];
