import { markerFeatures } from './code-markers.js';

/**
 * The features the code-language model reads (training and detection share
 * this function, so they cannot drift): each token (a word, case kept; a
 * number as "0"; one punctuation character), each pair of adjacent tokens,
 * the first and last token of each line ("^tok", "tok$"), and "^\t" for a
 * line indented with a tab. A line that opens like a comment (//, #, *,
 * /*, --, ;, %), or lies inside a block comment, gives only its first
 * COMMENT_TOKENS tokens: its prose (licence headers, docs) would teach the
 * words of whichever project the model was trained on, not of the
 * language; a run of comment lines naming a licence gives only its comment
 * markers. Besides: the layout features and the syntax markers of
 * code-markers.ts. A feature counts once per text (binary features), so a
 * long excerpt does not outvote a telling one.
 */
const TOKEN = /[A-Za-z_][A-Za-z0-9_]*|\d[\w.]*|[^\sA-Za-z0-9_]/g;
/** Longer words are cut: identifiers past this length say little about the language. */
const MAX_WORD = 24;
const COMMENT = /^\s*(?:\/\/|#|\*|\/\*|--|;|%)/;
const COMMENT_TOKENS = 3;
/** A line opening a block comment it does not close: the lines up to the close are comment lines too, prefixed or not. */
const BLOCK_OPEN = /^\s*\/\*(?!.*\*\/)/;
const BLOCK_CLOSE = /\*\//;
/** A comment run (consecutive comment lines) with such a line is a licence or copyright notice: the project's words, not the language's; its lines give only their comment marker. */
const LICENCE = /\b(?:copyright|licen[cs]e[ds]?|warrant(?:y|ies)|redistribut\w*|permission is hereby)\b/i;
/** Per line, what it is: code, a comment, or a line of a licence notice. */
const enum Kind { Code, Comment, Licence }
/** Fewer code lines than this and the layout says nothing, nor does a syntax marker's absence. */
const LAYOUT_MIN_LINES = 4;

/** A number reads as "0"; a one-letter lower-case name as "a" (its letter is the author's whim, not the language's). */
function norm(t: string): string {
  const c = t.charCodeAt(0);
  if (c >= 48 && c <= 57) return '0';
  if (t.length === 1 && c >= 97 && c <= 122) return 'a';
  return t.length > MAX_WORD ? t.slice(0, MAX_WORD) : t;
}

/**
 * The text's layout: its indentation unit (the smallest indent in spaces,
 * "^ind2", "^ind4"…) and, in quarters, the share of its code lines that end
 * in ";" and in "{" (";$q3": three quarters or more): a statement style
 * (Java, C#, C++ end nearly every line with ";", Scala, Kotlin, Swift, Go
 * almost none) that one line's token cannot tell.
 */
function layoutFeatures(lines: string[], kinds: Uint8Array, out: Set<string>): number {
  let unit = 0, code = 0, semi = 0, brace = 0;
  for (const [i, line] of lines.entries()) {
    const text = line.trimEnd();
    if (!text.trim() || kinds[i] !== Kind.Code) continue;
    code++;
    const last = text.charCodeAt(text.length - 1);
    if (last === 59) semi++;
    else if (last === 123) brace++;
    const indent = text.length - text.trimStart().length;
    if (indent > 0 && text.charCodeAt(0) === 32 && (unit === 0 || indent < unit)) unit = indent;
  }
  if (code < LAYOUT_MIN_LINES) return code;
  if (unit) out.add(`^ind${Math.min(unit, 8)}`);
  out.add(`;$q${Math.floor((4 * semi) / code)}`).add(`{$q${Math.floor((4 * brace) / code)}`);
  return code;
}

/** Each line's Kind: comment lines by their opening or inside a block comment; a run of comment lines naming a licence, Licence. */
function lineKinds(lines: string[]): Uint8Array {
  const kinds = new Uint8Array(lines.length);
  let inBlock = false;
  for (const [i, line] of lines.entries()) {
    if (inBlock) (kinds[i] = Kind.Comment), (inBlock = !BLOCK_CLOSE.test(line));
    else if (COMMENT.test(line)) (kinds[i] = Kind.Comment), (inBlock = BLOCK_OPEN.test(line));
  }
  for (let i = 0; i < lines.length; ) {
    let end = i;
    while (end < lines.length && kinds[end] === Kind.Comment) end++;
    if (lines.slice(i, end).some((l) => LICENCE.test(l))) kinds.fill(Kind.Licence, i, end);
    i = Math.max(end, i + 1);
  }
  return kinds;
}

/** The tokens a line gives: all of a code line's, the first COMMENT_TOKENS of a comment's, a licence line's comment marker only. */
function lineTokens(all: string[], kind: Kind): string[] {
  if (kind === Kind.Code) return all;
  if (kind === Kind.Comment) return all.slice(0, COMMENT_TOKENS);
  return /^\w/.test(all[0]) ? [] : all.slice(0, 1);
}

/** The distinct features of `code`. */
export function codeFeatures(code: string): Set<string> {
  const out = new Set<string>();
  const lines = code.split('\n');
  const kinds = lineKinds(lines);
  const codeLines = layoutFeatures(lines, kinds, out);
  markerFeatures(code, out, codeLines >= LAYOUT_MIN_LINES);
  for (const [i, line] of lines.entries()) {
    const all = line.match(TOKEN);
    if (!all) continue;
    const toks = lineTokens(all, kinds[i]);
    if (!toks.length) continue;
    if (line.charCodeAt(0) === 9) out.add('^\t');
    let prev = norm(toks[0]);
    let prev2 = '';
    out.add(prev).add(`^${prev}`);
    for (let i = 1; i < toks.length; i++) {
      const t = norm(toks[i]);
      out.add(t).add(`${prev} ${t}`);
      if (prev2) out.add(`${prev2} ${prev} ${t}`);
      prev2 = prev;
      prev = t;
    }
    out.add(`${prev}$`);
  }
  return out;
}
