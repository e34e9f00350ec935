import { LlmosError, defineSyscall, extractAnswer, majorityVote, z, type AnswerFormat, type KernelApi, type Process, type TaskInput } from '../../src/plugin-api/index.js';
import { launchGroup, type Group } from './group.js';
import type { KgBridge } from './kg-bridge.js';
import { checkModels, rankModels, takeK } from './pick-models.js';
import { debateJudgePrompt, debatePrompt } from './prompts.js';
import { answer } from './run.js';
import { AnswerFormatField, CollabOutput, CommonFields, KgOptions, ModelRef, childTaskFields, groupTask } from './schemas.js';

const MAX_DEBATERS = 8;

export const DebateInput = z.object({
  prompt: z.string().min(1).describe('The question debated.'),
  ...CommonFields,
  m: z.number().int().min(2).max(MAX_DEBATERS).default(3).describe('Debaters, when models is not given: the m models the allocator ranks highest.'),
  models: z.array(z.string().min(1)).min(2).max(MAX_DEBATERS).optional().describe('Model ids of the debaters (repeats allowed); overrides m.'),
  rounds: z.number().int().min(1).max(5).default(2).describe('Rounds; from round 2 each debater sees the others\' previous answers.'),
  judge_model: ModelRef.default('auto').describe('The model that concludes.'),
  stop_on_consensus: z.boolean().default(true).describe('End early when every debater gives the same final answer; the judge is then skipped.'),
  answer_format: AnswerFormatField,
  kg: KgOptions.describe('Knowledge-graph options for every debater process.'),
});
export type DebateArgs = z.output<typeof DebateInput>;

const ANSWER_LINE = '\n\nEnd your reply with a line "Answer: <final answer>".';

type Turn = { debater: number; pid: number; model: string | null; exit: string | null; answer: string | null; key: string | null };

async function runDebate(g: Group, a: DebateArgs): Promise<{ text: string }> {
  let debaters = a.models;
  if (!debaters) {
    const r = await rankModels(g.kernel, g.parent);
    debaters = takeK(r.ranked, a.m);
    g.detail.allocation = { allocator: r.allocator, reason: r.reason, scores: r.scores, ranked: r.ranked };
  }
  g.detail.debaters = debaters;
  const rounds: Turn[][] = [];
  g.detail.rounds = rounds;
  /** Last ok answer per debater; a debater whose call fails drops out. */
  let last: Array<string | undefined> = debaters.map(() => undefined);
  let consensus = false;
  for (let r = 1; r <= a.rounds && !consensus; r++) {
    const turns = await debateRound(g, a, debaters, last, r);
    rounds.push(turns);
    last = debaters.map((_, i) => turns.find((t) => t.debater === i)?.answer ?? undefined);
    const keys = turns.map((t) => t.key).filter((k): k is string => k !== null);
    if (!keys.length) throw new LlmosError('LLMOS_EUPSTREAM', `every debater failed in round ${r}; see collab.children for the errors.`);
    consensus = a.stop_on_consensus && keys.length >= 2 && keys.every((k) => k === keys[0]);
    if (consensus) g.note(`consensus after round ${r}`);
  }
  g.detail.stopped_after_round = rounds.length;
  return conclude(g, a, rounds, consensus);
}

/** A debater's child task: the prompt on its model, seeded per debater, tagged with its role and round. */
const childTask = (g: Group, a: DebateArgs, prompt: string, model: string, i: number, role: string, round: number): TaskInput => ({
  ...childTaskFields(a),
  prompt,
  model,
  seed: a.seed === undefined ? undefined : a.seed + i,
  metadata: { ...a.metadata, collab: { group: g.parent.pid, role, index: i, round } },
});

/** One round: every debater still in sees the others' previous answers and answers again. */
async function debateRound(g: Group, a: DebateArgs, debaters: readonly string[], last: ReadonlyArray<string | undefined>, r: number): Promise<Turn[]> {
  const format = a.answer_format as AnswerFormat;
  const math = g.parent.task.type === 'math';
  const live = debaters.map((_, i) => i).filter((i) => r === 1 || last[i] !== undefined);
  const procs: Array<[number, Process]> = [];
  for (const i of live) {
    const others = live.filter((j) => j !== i && last[j] !== undefined).map((j) => last[j]!);
    const prompt = r === 1 || !others.length ? a.prompt + ANSWER_LINE : debatePrompt(a.prompt, last[i], others);
    procs.push([i, await g.spawn(childTask(g, a, prompt, debaters[i], i, 'debater', r), { role: 'debater', index: i, round: r, kg: a.kg })]);
  }
  g.started();
  g.note(`round ${r} of ${a.rounds}: ${procs.length} debaters`);
  const turns: Turn[] = [];
  for (const [i, p] of procs) {
    const q = await g.exited(p);
    const text = q.exit === 'ok' && q.result ? q.result.text : null;
    const key = text === null ? null : extractAnswer(text, format, math);
    if (key !== null) g.setKey(q.pid, key);
    turns.push({ debater: i, pid: q.pid, model: q.model ?? null, exit: q.exit ?? null, answer: text, key });
  }
  return turns;
}

/** The conclusion: consensus or a single survivor as is, else the judge's answer (the vote when the judge fails). */
async function conclude(g: Group, a: DebateArgs, rounds: Turn[][], consensus: boolean): Promise<{ text: string }> {
  const format = a.answer_format as AnswerFormat;
  const math = g.parent.task.type === 'math';
  const finals = rounds[rounds.length - 1].filter((t) => t.answer !== null);
  const vote = majorityVote(finals.map((t) => t.key!));
  const votes = vote.votes.map((v) => ({ key: v.key, count: v.count, pids: v.members.map((i) => finals[i].pid) }));
  const voted = finals[vote.winnerIndex];
  if (consensus || finals.length === 1) {
    g.detail.conclusion = { method: consensus ? 'consensus' : 'single', answer: voted.key, chosen_pid: voted.pid, votes };
    return { text: voted.answer! };
  }
  const judgeTask = childTask(g, a, debateJudgePrompt(a.prompt, finals.map((t) => t.answer!)), a.judge_model, 0, 'judge', rounds.length + 1);
  const judge = await g.exited(await g.spawn(judgeTask, { role: 'judge' }));
  if (judge.exit !== 'ok' || !judge.result) {
    g.detail.conclusion = { method: 'vote', fallback_reason: `the judge (pid ${judge.pid}) exited ${judge.exit}`, judge_pid: judge.pid, answer: voted.key, chosen_pid: voted.pid, votes };
    return { text: voted.answer! };
  }
  const text = judge.result.text;
  const rationale = (/rationale\s*[:\-]\s*([\s\S]*)/i.exec(text)?.[1] ?? '').trim();
  g.detail.conclusion = { method: 'judge', judge_pid: judge.pid, judge_model: judge.model ?? null, answer: extractAnswer(text, format, math), rationale, votes };
  return { text };
}

export const debateSyscall = (kernel: KernelApi, kg: KgBridge) =>
  defineSyscall({
    name: 'collab_debate',
    toolset: 'collab',
    title: 'Let models debate, then judge',
    description:
      'Have m models debate a question for r rounds, each seeing the others\' answers, then a judge concludes. Returns the group record; result.text is the conclusion.',
    input: DebateInput,
    output: CollabOutput,
    annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: true },
    async handler(a, ctx) {
      checkModels(kernel, [...(a.models ?? []), a.judge_model]);
      kg.check(a.kg);
      const g = launchGroup(kernel, { kind: 'debate', task: groupTask(a, a.prompt), owner: ctx.owner, kg }, (grp) => runDebate(grp, a));
      return answer(kernel, g, a.wait, a.timeout_ms, ctx);
    },
  });
