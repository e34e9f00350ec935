import { LlmosError, defineSyscall, extractAnswer, majorityVote, z, type AnswerFormat, type ErrorCode, type KernelApi, type Process, type VoteResult } from '../../src/plugin-api/index.js';
import { launchGroup, type Group } from './group.js';
import type { KgBridge } from './kg-bridge.js';
import { checkModels, rankModels, takeK } from './pick-models.js';
import { judgePrompt, parseJudgeChoice, synthesizePrompt } from './prompts.js';
import { answer } from './run.js';
import { AnswerFormatField, CommonFields, CollabOutput, KgOptions, MAX_MEMBERS, ModelRef, childTaskFields, groupTask } from './schemas.js';

export const EnsembleInput = z
  .object({
    prompt: z.string().min(1).describe('The task every member answers.'),
    ...CommonFields,
    k: z.number().int().min(1).max(MAX_MEMBERS).default(3).describe('Members, when models is not given: the k models the allocator ranks highest.'),
    models: z.array(z.string().min(1)).min(1).max(MAX_MEMBERS).optional().describe('Model ids to ask, one member each (repeats allowed); overrides k.'),
    fusion: z.enum(['vote', 'judge', 'synthesize']).default('vote').describe('vote: majority over normalized answers; judge: a judge model picks one; synthesize: a model merges them.'),
    judge_model: ModelRef.default('auto').describe('Model of the judge (fusion "judge") or synthesizer (fusion "synthesize").'),
    quorum: z.number().int().min(1).max(MAX_MEMBERS).optional().describe('Stop once this many members agree: the rest are killed, no judge runs, and the saving is reported.'),
    answer_format: AnswerFormatField,
    kg: KgOptions,
  })
  .refine((a) => a.quorum === undefined || a.quorum <= (a.models?.length ?? a.k), { message: 'quorum cannot exceed the number of members', path: ['quorum'] });
export type EnsembleArgs = z.output<typeof EnsembleInput>;

type Ballot = { member: number; pid: number; text: string; key: string };

/** Orders ballots by member index (allocator rank / the caller's order), which breaks vote ties. */
const byMember = (bs: Ballot[]) => [...bs].sort((x, y) => x.member - y.member);

const voteDetail = (v: VoteResult, bs: Ballot[]) => ({
  winner: v.winner ?? null,
  agreement: v.agreement,
  tie: v.tie,
  votes: v.votes.map((x) => ({ key: x.key, count: x.count, pids: x.members.map((i) => bs[i].pid) })),
});

/** The ensemble body: members, optional early stop, then fusion. */
async function runEnsemble(g: Group, a: EnsembleArgs): Promise<{ text: string }> {
  const { procs, members } = await spawnMembers(g, a);
  const { ballots, quorumHit } = await collectBallots(g, a, procs, members);
  if (quorumHit) await stopEarly(g, a, ballots);
  if (!ballots.length) {
    const first = procs.map((p) => p.error).find(Boolean);
    throw new LlmosError(((first?.code ?? 'LLMOS_EUPSTREAM') as ErrorCode), `all ${procs.length} ensemble members failed (first error: ${first?.message ?? 'none recorded'}); see collab.children for each error.`);
  }
  const bs = byMember(ballots);
  const vote = quorumHit ?? majorityVote(bs.map((b) => b.key));
  const voted = { text: bs[vote.winnerIndex].text, ...voteDetail(vote, bs), chosen_pid: bs[vote.winnerIndex].pid };
  if (quorumHit) return fuse(g, { method: 'quorum', ...voted });
  if (a.fusion === 'vote' || bs.length === 1) return fuse(g, { method: bs.length === 1 && a.fusion !== 'vote' ? 'single' : 'vote', ...voted });
  return fuseByModel(g, a, bs, vote, voted);
}

/** Picks the members (listed, or the allocator's top k) and spawns one child each. */
async function spawnMembers(g: Group, a: EnsembleArgs): Promise<{ procs: Process[]; members: string[] }> {
  let members = a.models;
  if (!members) {
    const r = await rankModels(g.kernel, g.parent);
    members = takeK(r.ranked, a.k);
    g.detail.allocation = { allocator: r.allocator, reason: r.reason, scores: r.scores, ranked: r.ranked };
  }
  g.detail.members = members;
  const procs: Process[] = [];
  for (const [i, model] of members.entries()) {
    const seed = a.seed === undefined ? undefined : a.seed + i;
    const meta = { ...a.metadata, collab: { group: g.parent.pid, role: 'member', index: i } };
    procs.push(await g.spawn({ ...childTaskFields(a), prompt: a.prompt, model, seed, metadata: meta }, { role: 'member', index: i, kg: a.kg }));
  }
  g.started();
  g.note(`ensemble of ${procs.length}: pids ${procs.map((p) => p.pid).join(', ')}`);
  return { procs, members };
}

/** Ballots in exit order; with a quorum, stops as soon as that many agree. */
async function collectBallots(g: Group, a: EnsembleArgs, procs: Process[], members: readonly string[]): Promise<{ ballots: Ballot[]; quorumHit?: VoteResult }> {
  const format = a.answer_format as AnswerFormat;
  const math = g.parent.task.type === 'math';
  const ballots: Ballot[] = [];
  const pending = new Set(procs);
  while (pending.size) {
    const done = await g.firstExit([...pending]);
    pending.delete(done);
    const i = procs.indexOf(done);
    if (done.exit === 'ok' && done.result) {
      const key = extractAnswer(done.result.text, format, math);
      g.setKey(done.pid, key);
      ballots.push({ member: i, pid: done.pid, text: done.result.text, key });
    }
    g.note(`member ${i} (pid ${done.pid}, ${done.model ?? members[i]}) ${done.exit}`);
    if (a.quorum !== undefined && pending.size) {
      const v = majorityVote(byMember(ballots).map((b) => b.key));
      if (v.votes[0] && v.votes[0].count >= a.quorum) return { ballots, quorumHit: v };
    }
  }
  return { ballots };
}

/** Kills the members still running once a quorum agreed, and records what that saved. */
async function stopEarly(g: Group, a: EnsembleArgs, ballots: Ballot[]): Promise<void> {
  const killed = g.killLive(new LlmosError('LLMOS_EKILLED', `stopped early: ${a.quorum} members of group ${g.parent.pid} agreed.`));
  await g.unwind();
  const okCost = ballots.map((b) => g.kernel.proc(b.pid)?.usage).filter((u) => u !== undefined);
  const avg = (f: (u: (typeof okCost)[number]) => number) => (okCost.length ? okCost.reduce((s, u) => s + f(u), 0) / okCost.length : 0);
  const spent = killed.reduce((s, p) => s + p.usage.cost_usd, 0);
  g.detail.early_stop = {
    quorum: a.quorum,
    after_members: ballots.length,
    killed: killed.map((p) => p.pid),
    spent_by_killed_usd: spent,
    est_saved_usd: Math.max(0, avg((u) => u.cost_usd) * killed.length - spent),
    est_saved_tokens: Math.round(avg((u) => u.prompt_tokens + u.completion_tokens) * killed.length),
    skipped_fusion_call: a.fusion !== 'vote',
  };
  g.note(`quorum of ${a.quorum} reached; killed ${killed.length} member(s)`);
}

/** Judge or synthesize with a model; falls back to the vote when that call fails or its reply names no answer. */
async function fuseByModel(g: Group, a: EnsembleArgs, bs: Ballot[], vote: VoteResult, voted: { text: string } & Record<string, unknown>): Promise<{ text: string }> {
  const texts = bs.map((b) => b.text);
  const prompt = a.fusion === 'judge' ? judgePrompt(a.prompt, texts) : synthesizePrompt(a.prompt, texts);
  const role = a.fusion === 'judge' ? 'judge' : 'synthesizer';
  const meta = { ...a.metadata, collab: { group: g.parent.pid, role } };
  const fuser = await g.exited(await g.spawn({ ...childTaskFields(a), prompt, model: a.judge_model, seed: a.seed, metadata: meta }, { role }));
  const fallback = (why: string) => fuse(g, { method: 'vote', fallback_from: a.fusion, fallback_reason: why, fuser_pid: fuser.pid, ...voted });
  if (fuser.exit !== 'ok' || !fuser.result) return fallback(`the ${role} (pid ${fuser.pid}) exited ${fuser.exit}: ${fuser.error?.message ?? ''}`);
  if (a.fusion === 'synthesize') return fuse(g, { method: 'synthesize', text: fuser.result.text, synthesizer_pid: fuser.pid, synthesizer_model: fuser.model ?? null, ...voteDetail(vote, bs) });
  const choice = parseJudgeChoice(fuser.result.text, bs.length);
  if (choice.index === undefined) return fallback(`the judge's reply names no answer between 1 and ${bs.length}`);
  const pick = bs[choice.index];
  return fuse(g, {
    method: 'judge',
    text: pick.text,
    chosen_pid: pick.pid,
    chosen_index: choice.index,
    rationale: choice.rationale,
    parsed_by: choice.how,
    judge_pid: fuser.pid,
    judge_model: fuser.model ?? null,
    ...voteDetail(vote, bs),
  });
}

/** Records the fusion decision and returns the fused text. */
function fuse(g: Group, decision: { method: string; text: string } & Record<string, unknown>): { text: string } {
  const { text, ...rest } = decision;
  g.detail.fusion = rest;
  g.note(`fusion: ${decision.method}`);
  return { text };
}

export const ensembleSyscall = (kernel: KernelApi, kg: KgBridge) =>
  defineSyscall({
    name: 'collab_ensemble',
    toolset: 'collab',
    title: 'Ask several models and fuse',
    description:
      'Ask k models the same task and fuse their answers: majority vote, a judge picking the best, or a synthesis. Returns the group record; result.text is the fused answer.',
    input: EnsembleInput,
    output: CollabOutput,
    annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: true },
    async handler(a, ctx) {
      checkModels(kernel, [...(a.models ?? []), ...(a.fusion !== 'vote' ? [a.judge_model] : [])]);
      kg.check(a.kg);
      const g = launchGroup(kernel, { kind: 'ensemble', task: groupTask(a, a.prompt), owner: ctx.owner, kg }, (grp) => runEnsemble(grp, a));
      return answer(kernel, g, a.wait, a.timeout_ms, ctx);
    },
  });
