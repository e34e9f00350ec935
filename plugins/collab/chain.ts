import { LlmosError, defineSyscall, safeRegex, z, type SafeRegex, type ErrorCode, type KernelApi, type Process, type TaskInput } from '../../src/plugin-api/index.js';
import { launchGroup, type ChildRole, type Group } from './group.js';
import type { KgBridge } from './kg-bridge.js';
import { checkModels } from './pick-models.js';
import { answer } from './run.js';
import { CollabOutput, CommonFields, KgOptions, MAX_MEMBERS, ModelRef, childTaskFields, groupTask } from './schemas.js';
import { LOOP_VARS, STEP_VARS, checkTemplate, render } from './template.js';

const StepFields = {
  model: ModelRef.default('auto'),
  system: z.string().optional().describe('Overrides the call-wide system prompt for this step.'),
  max_tokens: z.number().int().min(1).max(1_000_000).optional(),
  temperature: z.number().min(0).max(2).optional(),
  kg: KgOptions,
};

const Step = z.object({
  ...StepFields,
  template: z.string().min(1).describe('The step prompt; {{input}} is the chain input, {{prev}} the previous step\'s output (the input for the first step).'),
});

export const DEFAULT_CRITIC =
  'Task:\n{{input}}\n\nDraft answer:\n{{draft}}\n\nReview the draft for errors and omissions. If it fully and correctly does the task, reply with exactly APPROVED. Otherwise list what to fix.';
export const DEFAULT_REFINER = 'Task:\n{{input}}\n\nDraft answer:\n{{draft}}\n\nReviewer\'s critique:\n{{critique}}\n\nRewrite the draft so it fixes every point of the critique. Reply with the improved answer only.';

const Loop = z.object({
  evaluator: z.object({ ...StepFields, template: z.string().min(1).default(DEFAULT_CRITIC) }).default({ model: 'auto', template: DEFAULT_CRITIC }).describe('The critic: {{input}}, {{draft}} (= {{prev}}), {{round}}.'),
  optimizer: z.object({ ...StepFields, template: z.string().min(1).default(DEFAULT_REFINER) }).default({ model: 'auto', template: DEFAULT_REFINER }).describe('The refiner: {{input}}, {{draft}}, {{critique}}, {{round}}.'),
  max_rounds: z.number().int().min(1).max(10).default(3).describe('Critiques at most; each one not approved is followed by a refinement.'),
  stop: z
    .object({
      contains: z.string().min(1).default('APPROVED').describe('The critique approves the draft when it contains this phrase (case-insensitive).'),
      regex: z.string().min(1).optional().describe('Or when it matches this regular expression (case-insensitive); used instead of contains.'),
    })
    .default({ contains: 'APPROVED' }),
});

export const ChainInput = z.object({
  input: z.string().min(1).describe('The chain input, {{input}} in every template.'),
  steps: z.array(Step).min(1).max(MAX_MEMBERS).describe('Run in order; the last output is the draft (and the result when there is no loop).'),
  loop: Loop.optional().describe('Evaluator-optimizer loop on the draft: critique → refine until the stop criterion or max_rounds.'),
  ...CommonFields,
});
export type ChainArgs = z.output<typeof ChainInput>;
type StepSpec = z.output<typeof Step>;

/** Checks templates and the stop regex before anything is spawned. */
function validate(a: ChainArgs): SafeRegex | undefined {
  a.steps.forEach((s, i) => checkTemplate(s.template, STEP_VARS, `steps[${i}].template`));
  if (!a.loop) return undefined;
  checkTemplate(a.loop.evaluator.template, LOOP_VARS, 'loop.evaluator.template');
  checkTemplate(a.loop.optimizer.template, LOOP_VARS, 'loop.optimizer.template');
  if (a.loop.stop.regex === undefined) return undefined;
  return safeRegex(a.loop.stop.regex, 'i', 'loop.stop.regex');
}

/** Runs one step to its exit; a step that does not exit ok fails the chain. */
async function runStep(g: Group, a: ChainArgs, s: StepSpec, prompt: string, who: ChildRole): Promise<{ proc: Process; text: string }> {
  const task: TaskInput = {
    ...childTaskFields(a),
    prompt,
    model: s.model,
    system: s.system ?? a.system,
    max_tokens: s.max_tokens ?? a.max_tokens,
    temperature: s.temperature ?? a.temperature,
    seed: a.seed,
    metadata: { ...a.metadata, collab: { group: g.parent.pid, role: who.role, index: who.index, round: who.round } },
  };
  const child = await g.spawn(task, { ...who, kg: s.kg });
  g.started();
  const p = await g.exited(child);
  if (p.exit !== 'ok' || !p.result) {
    const code = (p.error?.code ?? 'LLMOS_EUPSTREAM') as ErrorCode;
    throw new LlmosError(code, `chain ${who.role} ${who.index ?? who.round} (pid ${p.pid}) exited ${p.exit}: ${p.error?.message ?? 'no result'}; the chain stopped there.`, { pid: p.pid });
  }
  g.note(`${who.role} ${who.index ?? who.round} (pid ${p.pid}, ${p.model}) done`);
  return { proc: p, text: p.result.text };
}

async function runChain(g: Group, a: ChainArgs, stopRe: SafeRegex | undefined): Promise<{ text: string }> {
  const steps: Array<{ index: number; pid: number; model: string | null; output: string }> = [];
  g.detail.steps = steps;
  let prev = a.input;
  for (const [i, s] of a.steps.entries()) {
    const out = await runStep(g, a, s, render(s.template, { input: a.input, prev }), { role: 'step', index: i });
    steps.push({ index: i, pid: out.proc.pid, model: out.proc.model ?? null, output: out.text });
    prev = out.text;
  }
  if (!a.loop) return { text: prev };
  const L = a.loop;
  const approves = (critique: string) => (stopRe ? stopRe.test(critique) : critique.toLowerCase().includes(L.stop.contains.toLowerCase()));
  const rounds: Array<{ round: number; critic_pid: number; critique: string; approved: boolean; refiner_pid: number | null }> = [];
  const loop = { rounds, stop_reason: 'max_rounds' as 'approved' | 'max_rounds', max_rounds: L.max_rounds };
  g.detail.loop = loop;
  let draft = prev;
  for (let r = 1; r <= L.max_rounds; r++) {
    const vars = { input: a.input, prev: draft, draft, critique: '', round: String(r) };
    const c = await runStep(g, a, L.evaluator, render(L.evaluator.template, vars), { role: 'critic', round: r });
    const row = { round: r, critic_pid: c.proc.pid, critique: c.text, approved: approves(c.text), refiner_pid: null as number | null };
    rounds.push(row);
    if (row.approved) {
      loop.stop_reason = 'approved';
      g.note(`round ${r}: approved`);
      break;
    }
    const f = await runStep(g, a, L.optimizer, render(L.optimizer.template, { ...vars, critique: c.text }), { role: 'refiner', round: r });
    row.refiner_pid = f.proc.pid;
    draft = f.text;
    g.note(`round ${r} of ${L.max_rounds}: refined`);
  }
  return { text: draft };
}

export const chainSyscall = (kernel: KernelApi, kg: KgBridge) =>
  defineSyscall({
    name: 'collab_chain',
    toolset: 'collab',
    title: 'Run a pipeline of models',
    description:
      'Pipe a task through models step by step (templates with {{input}} and {{prev}}), optionally critiquing and refining the draft until loop.stop or loop.max_rounds. Returns the group record; result.text is the final output.',
    input: ChainInput,
    output: CollabOutput,
    annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: true },
    async handler(a, ctx) {
      const stopRe = validate(a);
      checkModels(kernel, [...a.steps.map((s) => s.model), ...(a.loop ? [a.loop.evaluator.model, a.loop.optimizer.model] : [])]);
      for (const s of [...a.steps, ...(a.loop ? [a.loop.evaluator, a.loop.optimizer] : [])]) kg.check(s.kg);
      const g = launchGroup(kernel, { kind: 'chain', task: groupTask(a, a.input), owner: ctx.owner, kg }, (grp) => runChain(grp, a, stopRe));
      return answer(kernel, g, a.wait, a.timeout_ms, ctx);
    },
  });
