/**
 * Where a task's code is: the bodies of its fenced blocks (with their info
 * strings), else the whole text when it reads as code rather than prose.
 * Bounded: at most MAX_CODE_CHARS of code are returned, so detectors that
 * read it stay fast on long pastes.
 */
export const MAX_CODE_CHARS = 2500;

export interface CodeBody {
  /** The first block's info string, lower case, when one is given. */
  info?: string;
  /** The code, at most MAX_CODE_CHARS; empty when there is none. */
  code: string;
}

const FENCE = /```[ \t]*([^\s`]*)[^\n]*\n([\s\S]*?)(?:```|$)/g;
/** A line that reads as code: ends in ; { } ), opens with a keyword, an indent, an assignment or markup. */
const CODE_LINE = /[;{}]\s*$|\)\s*:?\s*$|^\s{2,}\S|^\s*(?:def|class|import|from|#include|fn|func|function|let|const|var|public|private|package|using|return|SELECT|INSERT|UPDATE|CREATE|<\w|\.|#!)/;
const ASSIGNMENT = /^\s*[\w.$@[\]]+\s*(?:=|<-|:=)\s*\S/;

/** Fenced code first; else unfenced text counts as code when at least 40% of its non-empty lines read as code. */
export function codeBody(text: string): CodeBody {
  let code = '';
  let info: string | undefined;
  for (const m of text.matchAll(FENCE)) {
    if (info === undefined && m[1]) info = m[1].toLowerCase();
    code += m[2] + '\n';
    if (code.length >= MAX_CODE_CHARS) break;
  }
  if (code.trim()) return { info, code: code.slice(0, MAX_CODE_CHARS) };
  const lines = text.slice(0, MAX_CODE_CHARS).split('\n').filter((l) => l.trim());
  const codeLike = lines.filter((l) => CODE_LINE.test(l) || ASSIGNMENT.test(l)).length;
  return { info, code: codeLike >= 1 && codeLike / lines.length >= 0.4 ? lines.join('\n') : '' };
}
