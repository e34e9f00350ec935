import { LlmosError, rankByAllocation, type KernelApi, type Process } from '../../src/plugin-api/index.js';

export interface Ranking {
  /** Every available model id, best first: the allocator's choice, then by its scores. */
  ranked: string[];
  allocator: string;
  reason: string;
  scores: Record<string, number>;
}

/** Asks the active allocator once, for the group's task, and ranks every available model. */
export async function rankModels(kernel: KernelApi, group: Process): Promise<Ranking> {
  const candidates = kernel.availableModels(group.owner);
  if (!candidates.length) throw new LlmosError('LLMOS_ENOMODEL', 'no model is registered and healthy; register one with model_register, or list models explicitly.');
  const alloc = kernel.allocator();
  const a = await alloc.choose(group.task, candidates, { now: Date.now(), proc: group });
  return { ranked: rankByAllocation(candidates.map((c) => c.id), a), allocator: alloc.name, reason: a.reason, scores: a.scores };
}

/**
 * The first k of a ranking. With fewer models than k the ranking repeats
 * (the same model sampled again — self-consistency; children get distinct seeds).
 */
export function takeK(ranked: readonly string[], k: number): string[] {
  return Array.from({ length: k }, (_, i) => ranked[i % ranked.length]);
}

/** Throws LLMOS_ENOMODEL for listed ids that are not registered ("auto" is always fine). */
export function checkModels(kernel: KernelApi, ids: readonly string[]): void {
  for (const id of ids) if (id !== 'auto') kernel.mustModel(id);
}
