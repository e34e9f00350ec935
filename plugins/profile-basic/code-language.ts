/**
 * The programming language of a task's code: the info string of its first
 * fenced code block ("```python"), else a language named where code is
 * asked for ("in Python", "a Rust function", "using TypeScript"). Returns
 * LLMOS's lower-case ids ("python", "cpp", "csharp"…).
 */

/** Info strings and names, lower case, to ids. */
const ALIASES: Readonly<Record<string, string>> = {
  python: 'python', py: 'python', python3: 'python', javascript: 'javascript', js: 'javascript', node: 'javascript', 'node.js': 'javascript', jsx: 'javascript',
  typescript: 'typescript', ts: 'typescript', tsx: 'typescript', rust: 'rust', rs: 'rust', go: 'go', golang: 'go', java: 'java', kotlin: 'kotlin', kt: 'kotlin',
  'c++': 'cpp', cpp: 'cpp', cxx: 'cpp', c: 'c', 'c#': 'csharp', csharp: 'csharp', cs: 'csharp', ruby: 'ruby', rb: 'ruby', php: 'php', swift: 'swift',
  scala: 'scala', haskell: 'haskell', hs: 'haskell', sql: 'sql', bash: 'bash', sh: 'bash', shell: 'bash', zsh: 'bash', powershell: 'powershell',
  r: 'r', perl: 'perl', lua: 'lua', dart: 'dart', elixir: 'elixir', julia: 'julia', matlab: 'matlab', html: 'html', css: 'css', ocaml: 'ocaml', zig: 'zig',
};

/** Names safe to match case-insensitively anywhere a code cue stands (not "go", "c", "r": common words or letters). */
const NAMES = 'python|javascript|typescript|node\\.js|rust|golang|java|kotlin|c\\+\\+|c#|csharp|ruby|php|swift|scala|haskell|sql|bash|shell|powershell|perl|lua|dart|elixir|julia|matlab|ocaml|zig';
/** Short names, matched only capitalised as written ("in Go", "a C function"). */
const SHORT = 'Go|C|R';
const CODE_NOUNS = 'function|script|program|class|method|code|snippet|module|library|implementation|one-liner|query|macro';
const CUES = ['in', 'using', 'with', 'written in', 'write', 'a', 'an', 'idiomatic'].join('|');

const NAMED: readonly RegExp[] = [
  new RegExp(`\\b(?:${CUES})\\s+(${NAMES})(?![\\w+#])`, 'i'),
  new RegExp(`(?<![\\w+#])(${NAMES})\\s+(?:${CODE_NOUNS})\\b`, 'i'),
  new RegExp(`\\b(?:in|using|written in)\\s+(${SHORT})(?![\\w+#])`),
  new RegExp(`\\b(?:an?|the)\\s+(${SHORT})\\s+(?:${CODE_NOUNS})\\b`),
];

const FENCE = /```[ \t]*([A-Za-z0-9+#._-]+)/;

/** The code language the text names or fences, or undefined. */
export function codeLanguage(text: string): string | undefined {
  const fenced = FENCE.exec(text)?.[1]?.toLowerCase();
  if (fenced && ALIASES[fenced]) return ALIASES[fenced];
  for (const re of NAMED) {
    const m = re.exec(text);
    if (m) return ALIASES[m[1].toLowerCase()];
  }
  return undefined;
}
