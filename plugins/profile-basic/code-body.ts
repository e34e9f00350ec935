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
  /** The request around the code: the text outside fences, or, for unfenced code, its lines that do not read as code. */
  prose: string;
}

const FENCE = /```[ \t]*([^\s`]*)[^\n]*\n([\s\S]*?)(?:```|$)/g;
/** A line that reads as code: ends in ; { } ), opens with a keyword, an indent, an assignment or markup. */
const CODE_LINE = /[;{}]\s*$|\)\s*:?\s*$|^\s{2,}\S|^\s*(?:def|class|import|from|#include|fn|func|function|let|const|var|public|private|package|using|return|SELECT|INSERT|UPDATE|CREATE|<\w|\.|#!)/;
const ASSIGNMENT = /^\s*[\w.$@[\]]+\s*(?:=|<-|:=)\s*\S/;
/** A line that opens as a comment: part of the code, not of the request around it. */
const COMMENT_LINE = /^\s*(?:\/\/|#|\*|\/\*|--|;|%|<!--)/;

/**
 * Fenced code first; else unfenced text counts as code when at least 40% of
 * its non-empty lines that are not comments read as code (a licence header
 * or doc comment neither makes nor unmakes code).
 */
export function codeBody(text: string): CodeBody {
  let code = '';
  let info: string | undefined;
  for (const m of text.matchAll(FENCE)) {
    if (info === undefined && m[1]) info = m[1].toLowerCase();
    code += m[2] + '\n';
    if (code.length >= MAX_CODE_CHARS) break;
  }
  if (code.trim()) return { info, code: code.slice(0, MAX_CODE_CHARS), prose: text.replace(/```[\s\S]*?(?:```|$)/g, ' ') };
  const lines = text.slice(0, MAX_CODE_CHARS).split('\n').filter((l) => l.trim());
  const isCode = (l: string) => CODE_LINE.test(l) || ASSIGNMENT.test(l);
  const codeLike = lines.filter(isCode).length;
  const comments = lines.filter((l) => !isCode(l) && COMMENT_LINE.test(l)).length;
  if (codeLike >= 1 && codeLike / (lines.length - comments) >= 0.4) return { info, code: lines.join('\n'), prose: lines.filter((l) => !isCode(l) && !COMMENT_LINE.test(l)).join('\n') };
  return { info, code: '', prose: text };
}
