/**
 * The prompts collab builds for judges, synthesizers and debaters, and the
 * parser of a judge's choice. Candidates are numbered from 1 in prompts.
 */

const block = (answers: readonly string[], label = 'Answer') => answers.map((a, i) => `${label} ${i + 1}:\n${a.trim()}`).join('\n\n');

/** Asks a judge to pick one of `answers`, in a format parseJudgeChoice reads. */
export function judgePrompt(question: string, answers: readonly string[]): string {
  return [
    `Question:\n${question.trim()}`,
    `Candidate answers:\n\n${block(answers)}`,
    `Which answer is best (correct, complete, clear)? Reply on the first line with "Best: <number>" (a number from 1 to ${answers.length}), then one line "Rationale: <why>".`,
  ].join('\n\n');
}

/** Asks a model to merge the answers into one. */
export function synthesizePrompt(question: string, answers: readonly string[]): string {
  return [
    `Question:\n${question.trim()}`,
    `Answers from ${answers.length} models:\n\n${block(answers)}`,
    'Write one answer that combines what is correct in these answers and drops what is wrong. Reply with the answer only.',
  ].join('\n\n');
}

/** A debater's prompt in round > 1: the question, its own last answer and the others'. */
export function debatePrompt(question: string, own: string | undefined, others: readonly string[]): string {
  return [
    `Question:\n${question.trim()}`,
    own !== undefined ? `Your previous answer:\n${own.trim()}` : '',
    `Answers of the other participants:\n\n${block(others, 'Participant')}`,
    'Consider their reasoning. Give your updated answer, ending with a line "Answer: <final answer>".',
  ]
    .filter(Boolean)
    .join('\n\n');
}

/** Asks a judge to conclude a debate from the final round's answers. */
export function debateJudgePrompt(question: string, finals: readonly string[]): string {
  return [
    `Question:\n${question.trim()}`,
    `Final answers of the debate participants:\n\n${block(finals, 'Participant')}`,
    'Decide the correct answer. Reply with one line "Answer: <final answer>", then one line "Rationale: <why>".',
  ].join('\n\n');
}

export interface JudgeChoice {
  /** 0-based index of the chosen answer, or undefined when the reply names none. */
  index?: number;
  rationale: string;
  /** How the choice was read: "best-line", "answer-ref", "lone-number" or "none". */
  how: 'best-line' | 'answer-ref' | 'lone-number' | 'none';
}

/**
 * Reads a judge's choice among n answers, tolerating what small models write:
 * "Best: 2", "**Best**: answer #2", "I choose Answer 2", "2". Numbers outside
 * 1..n are ignored. The rationale is the text after "Rationale:", else the
 * whole reply.
 */
export function parseJudgeChoice(reply: string, n: number): JudgeChoice {
  const text = reply.replace(/[*_`]/g, '');
  const ok = (s: string | undefined) => {
    const v = s === undefined ? NaN : Number(s);
    return Number.isInteger(v) && v >= 1 && v <= n ? v - 1 : undefined;
  };
  const rationale = (/rationale\s*[:\-]\s*([\s\S]*)/i.exec(text)?.[1] ?? text).trim();
  const best = /\bbest(?:\s+answer)?\s*(?:is|[:=#\-])?\s*(?:answer|candidate|option)?\s*#?\s*\(?(\d+)/i.exec(text);
  const b = ok(best?.[1]);
  if (b !== undefined) return { index: b, rationale, how: 'best-line' };
  for (const m of text.matchAll(/\b(?:answer|candidate|option)\s*#?\s*(\d+)/gi)) {
    const i = ok(m[1]);
    if (i !== undefined) return { index: i, rationale, how: 'answer-ref' };
  }
  const lone = /^\s*\(?(\d+)\)?\s*(?:[.:)\n]|$)/.exec(text);
  const l = ok(lone?.[1]);
  if (l !== undefined) return { index: l, rationale, how: 'lone-number' };
  return { rationale, how: 'none' };
}
