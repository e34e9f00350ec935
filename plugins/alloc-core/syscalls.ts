import { defineSyscall, exitFeedback, LlmosError, z, type KernelApi } from '../../src/plugin-api/index.js';

const Pid = z.number().int().positive().describe('A process id from proc_spawn or proc_list.');

const AllocState = z.object({
  active: z.string().describe('The allocator choosing models now.'),
  available: z.array(z.string()),
  state: z.record(z.string(), z.unknown()).describe("The active allocator's snapshot (parameters, what it learned)."),
});

/** Allocators may take run-time parameters (λ, exploration) through alloc_set. */

function allocState(k: KernelApi) {
  const a = k.allocator();
  return { active: a.name, available: k.allocatorNames(), state: a.snapshot?.() ?? {} };
}

export const allocSyscalls = (k: KernelApi) => [
  defineSyscall({
    name: 'alloc_get',
    toolset: 'alloc',
    title: 'Get the allocator',
    description: 'Which allocator picks models, the others available, and what it has learned.',
    input: z.object({}),
    output: AllocState,
    annotations: { readOnlyHint: true, idempotentHint: true },
    handler: () => allocState(k),
  }),
  defineSyscall({
    name: 'alloc_set',
    toolset: 'alloc',
    title: 'Set the allocator',
    description: 'Switch the allocator for new processes, optionally with parameters (bandits: {"budget_share": 0.24}, or {"budget_share": 0, "lambda": 20} for reward = quality − λ × dollars).',
    input: z.object({
      name: z.string().min(1).describe('An allocator name from alloc_get.available.'),
      params: z.record(z.string(), z.union([z.number(), z.string()])).optional().describe('Run-time parameters the allocator takes (numbers, or strings such as the bandits\' budget_reference model id); an unknown key or a value out of range is refused with LLMOS_EINVAL.'),
    }),
    output: AllocState,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
    admin: true,
    handler({ name, params }) {
      const a = k.allocator().name === name ? k.allocator() : k.setAllocator(name);
      if (params) {
        if (!a.configure) throw new LlmosError('LLMOS_EINVAL', `allocator "${name}" takes no parameters; call alloc_set without params.`);
        a.configure(params);
      }
      return allocState(k);
    },
  }),
  defineSyscall({
    name: 'proc_feedback',
    toolset: 'alloc',
    title: 'Rate a result',
    description: "Tells the active allocator how good a finished process's answer was, as reward in [0, 1] or rating 1–5; learning allocators route better with it. Only the process's owner or an admin may.",
    input: z
      .object({
        pid: Pid,
        reward: z.number().min(0).max(1).optional().describe('Quality in [0, 1].'),
        rating: z.number().int().min(1).max(5).optional().describe('1 (useless) to 5 (perfect); mapped to (rating − 1) / 4.'),
      })
      .refine((v) => (v.reward === undefined) !== (v.rating === undefined), { message: 'give exactly one of "reward" or "rating"', path: ['reward'] }),
    output: z.object({ pid: z.number().int(), model: z.string(), reward: z.number(), allocator: z.string() }),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    handler({ pid, reward, rating }, ctx) {
      const p = k.mustProc(pid);
      k.requireOwner(ctx.owner, p, 'rate');
      const r = reward ?? (rating! - 1) / 4;
      k.rate(pid, r);
      const a = k.allocator();
      a.feedback?.({ ...exitFeedback(p), reward: r });
      return { pid, model: p.model!, reward: r, allocator: a.name };
    },
  }),
  defineSyscall({
    name: 'alloc_explain',
    toolset: 'alloc',
    title: 'Explain an allocation',
    description: 'Why a process ran on its model: the allocator\'s reason, every candidate\'s score, and the profiled fields that decided.',
    input: z.object({ pid: Pid }),
    output: z.object({
      pid: z.number().int(),
      model: z.string(),
      reason: z.string(),
      scores: z.record(z.string(), z.number()),
      decided_by: z.record(z.string(), z.object({ value: z.string(), confidence: z.number().optional() })).optional(),
      ran_on: z.string().nullable(),
    }),
    annotations: { readOnlyHint: true, idempotentHint: true },
    handler({ pid }, ctx) {
      const p = k.mustProc(pid);
      k.requireOwner(ctx.owner, p, 'read');
      if (!p.allocation) throw new LlmosError('LLMOS_EINVAL', `process ${pid} has no allocation yet (state ${p.state}); it gets one when it leaves the run queue, or it asked for a model by name.`);
      return { pid, ...p.allocation, ran_on: p.model ?? null };
    },
  }),
];
