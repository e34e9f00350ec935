import type { Allocation } from '../core/allocator.js';

/**
 * Fusion helpers: answers as votes (normalization, final-answer extraction,
 * majority vote) and ranking models by one allocation. Pure functions, part
 * of the plugin API so the collab plugin and the offline replay
 * (src/route/ensemble.ts) share one copy without the replay importing a plugin.
 */

/**
 * How to read the final answer out of a model's text:
 * - auto: an explicit marker ("Answer: B", "the answer is 42", \boxed{42}),
 *   else a lone option letter ("B", "(B)", "B) Paris"), else — for math tasks
 *   or a text that is only a number — the last number, else the whole text;
 * - choice: the option letter (A–J) wherever it can be found;
 * - number: the last number in the text;
 * - text: the whole text.
 * Every result is normalized (see normalizeAnswer) so equal answers vote together.
 */
export type AnswerFormat = 'auto' | 'choice' | 'number' | 'text';

/** Lower case, NFKC, punctuation dropped (except inside numbers), whitespace collapsed. */
export function normalizeAnswer(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/(\d),(?=\d{3}\b)/g, '$1') // 1,000 → 1000
    .replace(/(\d)\.(?=\d)/g, '$1\u0000') // keep decimal points
    .replace(/[^\p{L}\p{N}\s\u0000-]/gu, ' ')
    .replace(/(^|\s)-+(?=\s|$)/g, ' ')
    .replace(/\u0000/g, '.')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^(?:the|a|an) /, '');
}

const NUMBER = /-?\d[\d,]*(?:\.\d+)?/g;

/** "3.50" → "3.5", "1,000" → "1000", "-0" → "0"; undefined when there is no number. */
export function lastNumber(text: string): string | undefined {
  const all = text.match(NUMBER);
  if (!all) return undefined;
  const n = Number(all[all.length - 1].replace(/,/g, ''));
  return Number.isFinite(n) ? String(n === 0 ? 0 : n) : undefined;
}

const MARKER = /(?:final answer|answer|correct option|correct choice)\s*(?:is|:|=|-)\s*(.+)/gi;
const BOXED = /\\boxed\{([^{}]*)\}/g;
const LONE_CHOICE = /^\s*[([]?([A-Ja-j])[)\]]?\s*(?:[.):\-]\s*.*)?$/s;
const ANY_CHOICE = /(?:^|[\s(["'])([A-J])(?=$|[\s).\]:,"'])/g;

/** The text after the last explicit answer marker, up to the end of its line. */
function marked(text: string): string | undefined {
  let last: string | undefined;
  for (const m of text.matchAll(BOXED)) last = m[1];
  if (last !== undefined) return last;
  for (const m of text.matchAll(MARKER)) last = m[1];
  return last?.split('\n')[0].trim().replace(/[.\s]+$/, '');
}

function choiceOf(text: string): string | undefined {
  const lone = LONE_CHOICE.exec(text.trim());
  if (lone && text.trim().length <= 80) return lone[1].toLowerCase();
  return undefined;
}

/**
 * The normalized final answer of a text, the key votes are counted on.
 * `math` says the task is arithmetic, so a trailing number is the answer.
 */
export function extractAnswer(text: string, format: AnswerFormat = 'auto', math = false): string {
  if (format === 'text') return normalizeAnswer(text);
  if (format === 'number') return lastNumber(text) ?? normalizeAnswer(text);
  if (format === 'choice') {
    const m = marked(text);
    const c = (m !== undefined ? choiceOf(m) : undefined) ?? choiceOf(text);
    if (c) return c;
    const caps = [...text.matchAll(ANY_CHOICE)];
    return caps.length ? caps[caps.length - 1][1].toLowerCase() : normalizeAnswer(text);
  }
  const m = marked(text);
  if (m !== undefined && m.length) {
    const c = choiceOf(m);
    if (c) return c;
    const num = /^\s*-?\d[\d,]*(?:\.\d+)?\s*\S{0,12}\s*$/.test(m) ? lastNumber(m) : undefined;
    return num ?? normalizeAnswer(m);
  }
  const c = choiceOf(text);
  if (c) return c;
  const whole = normalizeAnswer(text);
  if (/^-?\d+(?:\.\d+)?$/.test(whole) || math) return lastNumber(text) ?? whole;
  return whole;
}

export interface VoteResult {
  /** The winning key; undefined when there were no votes. */
  winner?: string;
  /** Index (into the ballots) of the first ballot of the winning key. */
  winnerIndex: number;
  /** Votes per key, most first. */
  votes: Array<{ key: string; count: number; members: number[] }>;
  /** Winning count / number of ballots. */
  agreement: number;
  /** True when another key had as many votes and the tie-break decided. */
  tie: boolean;
}

/**
 * Majority vote over answer keys. Ties go to the key whose first ballot
 * comes first (callers order ballots by preference: allocator rank, or
 * finishing order).
 */
export function majorityVote(keys: readonly string[]): VoteResult {
  const byKey = new Map<string, number[]>();
  keys.forEach((k, i) => {
    const g = byKey.get(k);
    if (g) g.push(i);
    else byKey.set(k, [i]);
  });
  const votes = [...byKey.entries()]
    .map(([key, members]) => ({ key, count: members.length, members }))
    .sort((a, b) => b.count - a.count || a.members[0] - b.members[0]);
  const top = votes[0];
  if (!top) return { winnerIndex: -1, votes, agreement: 0, tie: false };
  return { winner: top.key, winnerIndex: top.members[0], votes, agreement: top.count / keys.length, tie: votes.length > 1 && votes[1].count === top.count };
}

/**
 * Orders candidates by one allocation: the chosen model first, then the rest
 * by score (higher first; unscored last), ties in candidate order.
 */
export function rankByAllocation(candidates: readonly string[], a: Pick<Allocation, 'model' | 'scores'>): string[] {
  const s = (id: string) => a.scores[id] ?? -Infinity;
  const rest = candidates.filter((id) => id !== a.model).sort((x, y) => (s(x) === s(y) ? 0 : s(y) > s(x) ? 1 : -1));
  return candidates.includes(a.model) ? [a.model, ...rest] : rest;
}
