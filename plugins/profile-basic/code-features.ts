/**
 * The features the code-language model reads (training and detection share
 * this function, so they cannot drift): each token (a word, case kept; a
 * number as "0"; one punctuation character), each pair of adjacent tokens,
 * the first and last token of each line ("^tok", "tok$"), and "^\t" for a
 * line indented with a tab. A line that opens like a comment (//, #, *,
 * /*, --, ;, %) gives only its first COMMENT_TOKENS tokens: its prose
 * (licence headers, docs) would teach the words of whichever project the
 * model was trained on, not of the language. A feature counts once per text
 * (binary features), so a long excerpt does not outvote a telling one.
 */
const TOKEN = /[A-Za-z_][A-Za-z0-9_]*|\d[\w.]*|[^\sA-Za-z0-9_]/g;
/** Longer words are cut: identifiers past this length say little about the language. */
const MAX_WORD = 24;
const COMMENT = /^\s*(?:\/\/|#|\*|\/\*|--|;|%)/;
const COMMENT_TOKENS = 3;
/** Fewer code lines than this and the layout says nothing. */
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
function layoutFeatures(lines: string[], out: Set<string>): void {
  let unit = 0, code = 0, semi = 0, brace = 0;
  for (const line of lines) {
    const text = line.trimEnd();
    if (!text.trim() || COMMENT.test(text)) continue;
    code++;
    const last = text.charCodeAt(text.length - 1);
    if (last === 59) semi++;
    else if (last === 123) brace++;
    const indent = text.length - text.trimStart().length;
    if (indent > 0 && text.charCodeAt(0) === 32 && (unit === 0 || indent < unit)) unit = indent;
  }
  if (code < LAYOUT_MIN_LINES) return;
  if (unit) out.add(`^ind${Math.min(unit, 8)}`);
  out.add(`;$q${Math.floor((4 * semi) / code)}`).add(`{$q${Math.floor((4 * brace) / code)}`);
}

/** The distinct features of `code`. */
export function codeFeatures(code: string): Set<string> {
  const out = new Set<string>();
  const lines = code.split('\n');
  layoutFeatures(lines, out);
  for (const line of lines) {
    const all = line.match(TOKEN);
    if (!all) continue;
    const toks = COMMENT.test(line) ? all.slice(0, COMMENT_TOKENS) : all;
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
