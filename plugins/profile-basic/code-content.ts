import flouriteTyped from 'flourite';
import type { Detection } from './detection.js';

/** TypeScript reads flourite's typings as CommonJS (a namespace); Node loads its ES build, whose default export is the function. */
const flourite = flouriteTyped as unknown as typeof flouriteTyped.default;
/**
 * The programming language of a code body, by its content: flourite (a
 * maintained regex-point detector for 25 languages) scores each line, and
 * LLMOS adds line patterns for languages flourite lacks (Swift, Haskell,
 * Scala, R, Perl, shell), scored on the same point scale. The language with
 * most points wins; confidence grows with its lead over the runner-up and
 * with its points.
 */

/** flourite's names to LLMOS ids. */
const FLOURITE_IDS: Readonly<Record<string, string>> = {
  C: 'c', 'C++': 'cpp', 'C#': 'csharp', CSS: 'css', Clojure: 'clojure', Dart: 'dart', Dockerfile: 'dockerfile', Elixir: 'elixir', Go: 'go', HTML: 'html',
  Java: 'java', Javascript: 'javascript', Julia: 'julia', JSON: 'json', Kotlin: 'kotlin', Lua: 'lua', Markdown: 'markdown', Pascal: 'pascal', PHP: 'php',
  Python: 'python', Ruby: 'ruby', Rust: 'rust', SQL: 'sql', YAML: 'yaml', Typescript: 'typescript', Bash: 'bash',
};

type Points = ReadonlyArray<readonly [RegExp, number]>;
/** Line patterns for languages flourite does not know, each worth the points a clear cue is worth to flourite (2–10). */
const EXTRA: Readonly<Record<string, Points>> = {
  swift: [[/^\s*import (?:Foundation|UIKit|SwiftUI|Combine)\b/, 10], [/\bfunc\s+\w+\s*\([^)]*\)\s*(?:throws\s*)?->\s*[\w[\]?]+\s*\{/, 5], [/\bfunc\s+\w+\s*\(\s*(?:_\s+)?\w+\s*:\s*[A-Z]/, 4],
    [/\b(?:guard|if)\s+let\b/, 6], [/\bprint\("[^"]*\\\(/, 6], [/\b(?:let|var)\s+\w+\s*:\s*\[?[A-Z]\w*\]?[?!]?\s*(?:=|$)/, 3], [/@(?:IBOutlet|IBAction|State|Published|objc)\b/, 8], [/\bstruct\s+\w+\s*:\s*(?:View|Codable)\b/, 8]],
  haskell: [[/^\s*module\s+[A-Z][\w.]*(?:\s*\(.*\))?\s+where\b/, 10], [/^[a-z]\w*'?\s*::\s*\S/, 6], [/^import\s+(?:qualified\s+)?[A-Z][\w.]*/, 4], [/^\s*data\s+[A-Z]\w*.*=/, 5],
    [/\b(?:putStrLn|mapM_|foldr|foldl'?|Maybe|Just|Nothing|IO \(\))\b/, 4], [/^\s*where\s*$/, 3], [/\w+\s*<-\s*\w/, 1], [/^[a-z]\w*(?:\s+\w+|\s+\(.*\)|\s+\[\])*\s*=\s*\S/, 1]],
  scala: [[/^\s*import\s+scala\./, 10], [/\bcase class\b/, 8], [/\bobject\s+\w+(?:\s+extends\s+\w+)?\s*\{/, 5], [/\bdef\s+\w+\s*(?:\[[^\]]*\])?\([^)]*:\s*[A-Z][^)]*\)\s*:\s*[\w[\]]+\s*=/, 8],
    [/\bdef\s+\w+.*=\s*\{?\s*$/, 2], [/\bprintln\(s"/, 6], [/\b(?:sealed\s+)?trait\s+\w+/, 5], [/\bmatch\s*\{/, 5], [/\bimplicit\b/, 6], [/\bval\s+\w+\s*(?::\s*[A-Z][\w[\]]*)?\s*=/, 2]],
  r: [[/^\s*[\w.]+\s*<-\s*\S/, 5], [/\blibrary\(\w+\)|\brequire\(\w+\)/, 8], [/\bc\([^)]*\)/, 3], [/\bdata\.frame\b|\bggplot\(|%>%|\bdplyr\b|\btidyverse\b/, 8],
    [/\bfunction\s*\([^)]*\)\s*\{?/, 1], [/\b(?:paste0?|cat|sapply|lapply|rnorm|nrow|ncol)\(/, 4], [/\b(?:TRUE|FALSE|NULL|NA)\b/, 1]],
  perl: [[/^#!.*\bperl\b/, 10], [/^\s*use (?:strict|warnings)\s*;/, 10], [/\bmy\s+[$@%]\w+/, 6], [/\bsub\s+\w+\s*\{/, 4], [/=~\s*[ms]?\//, 5], [/\bchomp\b|\@ARGV\b|\$_\b/, 5], [/\bforeach\s+my\b/, 6]],
  bash: [[/^#!.*\b(?:ba|z|da)?sh\b/, 10], [/^\s*(?:fi|done|esac)\s*$/, 5], [/^\s*if\s+\[\[?\s/, 6], [/;\s*(?:then|do)\s*$/, 5], [/^\s*(?:export|local)\s+\w+=/, 4], [/^\s*echo\s/, 3],
    [/\|\s*(?:grep|awk|sed|xargs|sort|uniq|wc|head|tail|cut)\b/, 4], [/^\s*(?:sudo|apt(?:-get)?|cd|ls|mkdir|rm|cp|mv|chmod|chown|curl|wget|tar|git|npm|pip|docker)\s/, 3], [/\$\{?\w+\}?/, 1]],
};

function extraPoints(lines: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [lang, patterns] of Object.entries(EXTRA)) {
    let n = 0;
    for (const line of lines) for (const [re, p] of patterns) if (re.test(line)) n += p;
    out[lang] = n;
  }
  return out;
}

/** Language of `code` with a confidence, or undefined when nothing scores. */
export function codeLanguageOfContent(code: string): Detection | undefined {
  if (!code.trim()) return undefined;
  const r = flourite(code, { heuristic: true });
  const points: Record<string, number> = extraPoints(code.split('\n'));
  for (const [name, n] of Object.entries(r.statistics) as Array<[string, number]>) if (FLOURITE_IDS[name]) points[FLOURITE_IDS[name]] = n;
  const ranked = Object.entries(points).sort((a, b) => b[1] - a[1]);
  const [best, second] = [ranked[0], ranked[1]];
  if (r.language === 'Bash' && best[1] < 10) return { value: 'bash', confidence: 0.9 };
  if (best[1] <= 0) return undefined;
  const lead = (best[1] - Math.max(0, second[1])) / best[1];
  return { value: best[0], confidence: round(0.3 + 0.65 * lead * Math.min(1, best[1] / 8)) };
}

const round = (x: number) => Math.round(x * 100) / 100;
