import type { LlamaCompletion, LlamaContextSequence, Token } from 'node-llama-cpp';

/** One context sequence (its own KV cache) and the completion engine bound to it. */
export interface Lane {
  sequence: LlamaContextSequence;
  completion: LlamaCompletion;
  busy: boolean;
  /** Whose tokens the sequence holds: only that owner may reuse them beyond a configured shared prefix. */
  owner?: string;
  /** When the lane was last given back; the least recently used idle lane is taken first for a new owner. */
  usedAt: number;
}

/** Length of the common prefix of two token lists. */
export function commonPrefix(a: readonly Token[], b: readonly Token[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/**
 * The idle lane a call of `owner` should take: one holding that owner's
 * tokens sharing the longest prefix with `prompt` (its KV cache already holds
 * them), else the least recently used one; undefined when all are busy.
 */
export function pickLane(lanes: readonly Lane[], owner: string, prompt: readonly Token[]): Lane | undefined {
  let best: Lane | undefined;
  let bestShared = -1;
  for (const lane of lanes) {
    if (lane.busy) continue;
    const shared = lane.owner === owner ? commonPrefix(lane.sequence.contextTokens, prompt) : -1;
    if (!best || shared > bestShared || (shared === bestShared && lane.usedAt < best.usedAt)) {
      best = lane;
      bestShared = shared;
    }
  }
  return best;
}

/**
 * How many of the lane's evaluated tokens a call of `owner` may reuse: all
 * it shares with the prompt when the lane last served the same owner;
 * otherwise only as far as an operator-configured shared prefix covers
 * (public text), so one owner's timings never reveal another's prompts.
 */
export function reusableTokens(lane: Lane, owner: string, prompt: readonly Token[], sharedPrefixes: readonly (readonly Token[])[]): number {
  const held = commonPrefix(lane.sequence.contextTokens, prompt);
  if (lane.owner === owner) return held;
  const publicPart = Math.max(0, ...sharedPrefixes.map((p) => commonPrefix(p, prompt)));
  return Math.min(held, publicPart);
}

/** Drops the lane's evaluated tokens past `keep`, so the next evaluation starts there. */
export async function trimLane(lane: Lane, keep: number): Promise<void> {
  const end = lane.sequence.nextTokenIndex;
  if (keep < end) await lane.sequence.eraseContextTokenRanges([{ start: keep, end }]);
}
