import flouriteTyped from 'flourite';
import { codeFeatures } from './code-features.js';
import { guesslangOpinion } from './code-guesslang.js';
import { codeModel, posterior, scoreModel, type Model, type Scores } from './code-model.js';
import type { Detection } from './detection.js';

/** TypeScript reads flourite's typings as CommonJS (a namespace); Node loads its ES build, whose default export is the function. */
const flourite = flouriteTyped as unknown as typeof flouriteTyped.default;
/**
 * The programming language of a code body, by its content: the logistic-regression
 * model of code-model.ts (22 languages, trained on registry packages; see
 * training/README.md), whose posterior is the confidence; when its "prose"
 * class wins (a request or an explanation, not code) it names none. When
 * the model has no answer (prose wins, or its posterior is below
 * NO_ANSWER: a language it was not trained on, or too little code),
 * flourite (a maintained regex-point detector) decides if it finds a
 * language clearly, among them Dart, Elixir, Julia, JSON, YAML…. Between
 * NO_ANSWER and 0.5 the model's answer stands: on held-out sources letting
 * flourite overrule it there cost 0.6 points through detectCodeLanguage,
 * and a floor of 0.3 / 0.4 / 0.5 instead of 0.2 cost 0.3 / 1.0 / 1.8.
 */

/** flourite's names to LLMOS ids. */
const FLOURITE_IDS: Readonly<Record<string, string>> = {
  C: 'c', 'C++': 'cpp', 'C#': 'csharp', CSS: 'css', Clojure: 'clojure', Dart: 'dart', Dockerfile: 'dockerfile', Elixir: 'elixir', Go: 'go', HTML: 'html',
  Java: 'java', Javascript: 'javascript', Julia: 'julia', JSON: 'json', Kotlin: 'kotlin', Lua: 'lua', Markdown: 'markdown', Pascal: 'pascal', PHP: 'php',
  Python: 'python', Ruby: 'ruby', Rust: 'rust', SQL: 'sql', YAML: 'yaml', Typescript: 'typescript', Bash: 'bash',
};
/** The model's class for text that reads as documentation, not code: no language. */
const PROSE = 'prose';
/** Below this posterior the model has no answer (a uniform guess over 22 languages is 0.05): too little code, or none. */
const NO_ANSWER = 0.2;
/**
 * On fewer lines than FEW_LINES the model must be surer: a line or two is
 * more often a request ("I love you (really)") than code, and held-out
 * sources have no such short excerpts to fit the floor on (0.5 until issue
 * #22's fourth round, whose model read that line as Scala at 0.54).
 */
const FEW_LINES = 3;
const FEW_LINES_NO_ANSWER = 0.6;
/** Fewer known features than this and the text is too little code to tell. */
const MIN_FEATURES = 3;
/**
 * Below this posterior the model asks guesslang (code-guesslang.ts, trained
 * on GitHub repositories rather than registry packages) for a second
 * opinion: the answer is the argmax of the product of the two posteriors,
 * each over the model's classes (guesslang's "md" standing for prose).
 * On the held-out folds (training/README.md) the product lifts the model
 * from 92.1% to 93.7%; asking only below 0.9 (21% of excerpts) loses
 * nothing there, and spares the ~0.2 ms on the rest.
 */
const SECOND_OPINION_BELOW = 0.9;

/** The language flourite finds with a clear lead, if any. */
function flouriteLanguage(code: string): Detection | undefined {
  const r = flourite(code, { heuristic: true });
  const id = FLOURITE_IDS[r.language];
  if (!id) return undefined;
  const points = Object.values(r.statistics).sort((a, b) => b - a);
  const lead = points[0] > 0 ? (points[0] - Math.max(0, points[1] ?? 0)) / points[0] : 0;
  return lead >= 0.5 && points[0] >= 4 ? { value: id, confidence: round(0.2 + 0.3 * lead) } : undefined;
}

/** The model's language for `code` (with guesslang's opinion when unsure), or undefined when it has no answer (prose, too few features, posterior below the floor). */
export function modelLanguage(code: string, model: Model = codeModel()): Detection | undefined {
  const scores = scoreModel(model, codeFeatures(code));
  if (scores.known < MIN_FEATURES) return undefined;
  const own = posterior(model, scores);
  const { best, p } = own < SECOND_OPINION_BELOW ? withGuesslang(model, scores, code) ?? { best: scores.best, p: own } : { best: scores.best, p: own };
  const value = scores.classes[best];
  if (value === PROSE || p < (hasLines(code, FEW_LINES) ? NO_ANSWER : FEW_LINES_NO_ANSWER)) return undefined;
  return { value, confidence: round(p) };
}

/** The class with the largest product of the model's and guesslang's posteriors, and its share of the products' sum. */
function withGuesslang(model: Model, scores: Scores, code: string): { best: number; p: number } | undefined {
  const theirs = guesslangOpinion(scores.classes, code);
  if (!theirs) return undefined;
  const logs = scores.logits.map((l, c) => l / model.temperature + theirs[c]);
  let best = 0;
  for (let c = 1; c < logs.length; c++) if (logs[c] > logs[best]) best = c;
  let z = 0;
  for (const l of logs) z += Math.exp(l - logs[best]);
  return { best, p: 1 / z };
}

/** Language of `code` with a confidence: the model's, else flourite's; undefined when it holds too little code to tell. */
export function codeLanguageOfContent(code: string, model: Model = codeModel()): Detection | undefined {
  if (!code.trim()) return undefined;
  return modelLanguage(code, model) ?? flouriteLanguage(code);
}

/** Whether `text` has at least `n` non-empty lines (it stops counting there). */
export function hasLines(text: string, n: number): boolean {
  let seen = 0;
  for (let at = 0; at < text.length && seen < n; ) {
    const end = text.indexOf('\n', at);
    const stop = end < 0 ? text.length : end;
    if (text.slice(at, stop).trim()) seen++;
    at = stop + 1;
  }
  return seen >= n;
}

const round = (x: number) => Math.round(x * 100) / 100;
