import { MAX_CODE_CHARS, codeBody } from './code-body.js';
import { codeLanguageOfContent, hasLines, modelLanguage } from './code-content.js';
import type { Model } from './code-model.js';
import type { Detection } from './detection.js';

/**
 * The programming language of a code task, in LLMOS's lower-case ids
 * ("python", "cpp", "csharp"…), from, in order of precedence:
 *  1. the info string of its first fenced block ("```python"), sure;
 *  2. a language the request names where code is asked for ("in Python",
 *     "a Rust function", "port this to Go"): the request says what it wants,
 *     even when the code it gives is in another language;
 *  3. the content of its code (code-content.ts), fenced without an info
 *     string or pasted bare.
 * Agreement of 2 and 3 raises the confidence. Unfenced text that the line
 * patterns of code-body.ts do not take for code (Ruby's `end`, shell's
 * `fi`, Scala's bare expressions…) is still read as code when it has
 * MIN_BARE_LINES lines, holds a character of code (CODE_MARK), and the
 * model has an answer there (a language, not prose, at its NO_ANSWER floor;
 * on 3 lines "Translate from X to Y:\n\n<sentence>\n\nY:" read as
 * Python; 4 rather than the earlier 5 reads short bare snippets and leaves
 * the prose guards without a language; without CODE_MARK, prose prompts would pay the model's ~0.15 ms
 * for nothing). No higher floor: on held-out packages, requiring a
 * posterior of 0.6 / 0.5 / 0.4 / 0.3 there read 89.63 / 89.70 / 89.77 /
 * 89.79% through detectCodeLanguage against 89.80% without, and the prose
 * guards (issue #22's intent and target-language sets, LLMOS's Markdown)
 * gained no language.
 */
const MIN_BARE_LINES = 4;
/** A bracket, semicolon, assignment or comparison, a sigil or a pipe, a call or a scope (`::`): what bare code holds and a prompt seldom does. */
const CODE_MARK = /[{}[\];=<>$@|&]|\w\(|\w::\w/;

/** Info strings and names, lower case, to ids. */
const ALIASES: Readonly<Record<string, string>> = {
  python: 'python', py: 'python', python3: 'python', javascript: 'javascript', js: 'javascript', node: 'javascript', 'node.js': 'javascript', nodejs: 'javascript', jsx: 'javascript',
  typescript: 'typescript', ts: 'typescript', tsx: 'typescript', rust: 'rust', rs: 'rust', go: 'go', golang: 'go', java: 'java', kotlin: 'kotlin', kt: 'kotlin',
  'c++': 'cpp', cpp: 'cpp', cxx: 'cpp', cc: 'cpp', c: 'c', h: 'c', 'c#': 'csharp', csharp: 'csharp', cs: 'csharp', ruby: 'ruby', rb: 'ruby', php: 'php', swift: 'swift',
  scala: 'scala', haskell: 'haskell', hs: 'haskell', sql: 'sql', mysql: 'sql', postgresql: 'sql', postgres: 'sql', sqlite: 'sql', tsql: 'sql', plsql: 'sql',
  bash: 'bash', sh: 'bash', shell: 'bash', zsh: 'bash', console: 'bash', powershell: 'powershell', ps1: 'powershell',
  r: 'r', perl: 'perl', pl: 'perl', lua: 'lua', dart: 'dart', elixir: 'elixir', ex: 'elixir', julia: 'julia', jl: 'julia', matlab: 'matlab', html: 'html', xml: 'html', css: 'css', scss: 'css',
  ocaml: 'ocaml', ml: 'ocaml', zig: 'zig', clojure: 'clojure', clj: 'clojure', pascal: 'pascal', delphi: 'pascal', fortran: 'fortran', cobol: 'cobol', erlang: 'erlang', fsharp: 'fsharp', 'f#': 'fsharp',
  'objective-c': 'objectivec', objc: 'objectivec', 'visual basic': 'vb', vba: 'vb', 'vb.net': 'vb', assembly: 'assembly', asm: 'assembly', prolog: 'prolog', lisp: 'lisp', scheme: 'scheme', racket: 'racket',
};

/** Names that are not also common words: matched case-insensitively, with a cue or (weaker) anywhere. */
const STRONG = 'python|javascript|typescript|node\\.js|nodejs|golang|kotlin|c\\+\\+|c#|csharp|php|haskell|sql|mysql|postgresql|powershell|perl|matlab|ocaml|clojure|fortran|cobol|erlang|f#|fsharp|objective-c|visual basic|vba|html|css';
/** Names that are also words ("rust", "swift", "shell", "go"): matched only capitalised after a cue, or before a code noun. */
const WORDLIKE = 'Rust|Java|Swift|Ruby|Scala|Dart|Lua|Julia|Elixir|Bash|Shell|Zig|Delphi|Pascal|Prolog|Lisp|Scheme|Racket|Go|C|R';
const CODE_NOUNS = 'function|script|program|class|method|code|snippet|module|library|implementation|one-liner|query|queries|macro|loop|array|dict|dictionary|decorator|package|crate|gem|exception|compiler|interpreter|struct|enum|lambda|closure|syntax|regex|developer|programmer';
const CUES = 'in|using|with|written in|write|a|an|idiomatic|pure|modern|to|into|for';
const WORD_END = '(?![\\w+#])';

/** "port/convert/translate/rewrite … to X": the language the code is to become, first. */
const CONVERT = '\\b(?:[Pp]ort|[Cc]onvert|[Tt]ranslate|[Rr]ewrite|[Tt]ranspile|[Mm]igrate)\\w*\\b[^.!?\\n]{0,80}?\\b(?:to|into|in)\\s+';
const CONVERSIONS: readonly RegExp[] = [new RegExp(`${CONVERT}(${STRONG})${WORD_END}`, 'i'), new RegExp(`${CONVERT}(${WORDLIKE})${WORD_END}`)];
const NAMED: readonly RegExp[] = [
  new RegExp(`\\b(?:${CUES})\\s+(${STRONG})${WORD_END}`, 'i'),
  new RegExp(`(?<![\\w+#])(${STRONG})(?:'s|’s)?\\s+(?:${CODE_NOUNS})\\b`, 'i'),
  new RegExp(`\\b(?:[Ii]n|[Uu]sing|written in|to|into|with)\\s+(${WORDLIKE})${WORD_END}`),
  new RegExp(`(?<![\\w+#])(${WORDLIKE})(?:'s|’s)?\\s+(?:${CODE_NOUNS})\\b`),
  new RegExp(`(?<![\\w+#])(${STRONG})(?:'s|’s)${WORD_END}`, 'i'),
];
/** A name anywhere, with no cue: weaker evidence. Not a markup tag's name ("</html>" in a string of Python is not a request for HTML). */
const ANYWHERE = new RegExp(`(?<![\\w+#.</])(${STRONG})${WORD_END}`, 'i');

const idOf = (name: string): string | undefined => {
  const n = name.toLowerCase();
  return ALIASES[n] ?? (n === 'go' || n === 'c' || n === 'r' ? n : undefined);
};

/** The language the request names, with how plainly it names it. */
function namedLanguage(prose: string): Detection | undefined {
  for (const re of CONVERSIONS) {
    const m = re.exec(prose);
    if (m && idOf(m[1])) return { value: idOf(m[1])!, confidence: 0.95 };
  }
  for (const re of NAMED) {
    const m = re.exec(prose);
    if (m && idOf(m[1])) return { value: idOf(m[1])!, confidence: 0.9 };
  }
  const any = ANYWHERE.exec(prose);
  return any && idOf(any[1]) ? { value: idOf(any[1])!, confidence: 0.7 } : undefined;
}

/**
 * The code language the text fences, names or contains, with a confidence
 * in [0, 1]; undefined when none. Names count only in the request around
 * the code (`prose`), never in the code itself, where "html" or "in C" is
 * a string or a comment. `model` is for training's held-out check.
 */
export function detectCodeLanguage(text: string, model?: Model): Detection | undefined {
  const body = codeBody(text);
  const fenced = body.info ? ALIASES[body.info] : undefined;
  if (fenced) return { value: fenced, confidence: 0.99 };
  const named = namedLanguage(body.prose);
  const content = body.code ? codeLanguageOfContent(body.code, model) : undefined;
  if (!body.code && !named) return bareCode(text, model);
  if (named && content?.value === named.value) return { value: named.value, confidence: Math.max(0.97, named.confidence) };
  if (named && (!content || named.confidence >= 0.9 || content.confidence < named.confidence)) return named;
  return content;
}

/** A Markdown table row: its pipes are layout, not code. */
const TABLE_ROW = /^\s*\|.*\|\s*$/gm;

/** The language of unfenced text the line patterns did not take for code, when the model (flourite is not asked: prose would pay for it) names one; none for a Markdown table. */
function bareCode(text: string, model?: Model): Detection | undefined {
  const head = text.slice(0, MAX_CODE_CHARS);
  if (!hasLines(head, MIN_BARE_LINES) || !CODE_MARK.test(head)) return undefined;
  const rows = head.match(TABLE_ROW)?.length ?? 0;
  return hasLines(head, 2 * rows + 1) ? modelLanguage(head, model) : undefined;
}

/** The id alone, for callers that need no confidence. */
export const codeLanguage = (text: string): string | undefined => detectCodeLanguage(text)?.value;
