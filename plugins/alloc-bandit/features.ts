import { DOMAIN_TAGS, fnv1a, INTENTS, TASK_TYPES, taskText, taskTokens, type Task } from '../../src/plugin-api/index.js';

/**
 * Task features for LinUCB, each roughly in [0, 1]. Computed only from what
 * the allocator may see: the prompt text and the profile fields on the task
 * (type, language, domain tags, intent, target and code language; profiled
 * ones weighted by the profile's confidence). `words` adds that many hashed word buckets of the last
 * paragraph (the question itself in few-shot prompts). Changing the list
 * changes FEATURE_SET_VERSION, which invalidates persisted LinUCB state.
 */
export const FEATURE_SET_VERSION = 4;

/** Code languages with a feature of their own; the rest share "code:other". */
export const CODE_FEATURES = ['python', 'javascript', 'typescript', 'java', 'cpp', 'c', 'csharp', 'go', 'rust', 'sql', 'bash'] as const;

const DENSE = [
  'bias',
  ...TASK_TYPES.map((t) => `type:${t}`),
  ...DOMAIN_TAGS.map((d) => `domain:${d}`),
  'domain:other',
  'lang:en',
  ...INTENTS.map((i) => `intent:${i}`),
  'target_language',
  'target:en',
  ...CODE_FEATURES.map((c) => `code:${c}`),
  'code:other',
  'log_tokens',
  'short',
  'code_keywords',
  'imperative',
  'options',
  'options_two',
  'options_four_plus',
  'few_shot',
  'blank_slot',
  'question_mark',
  'digits',
  'math_ops',
  'last_log_chars',
  'last_digits',
  'last_negation',
] as const;

export function featureNames(words: number): string[] {
  return [...DENSE, ...Array.from({ length: words }, (_, i) => `word#${i}`)];
}

const OPTION = /(?:^|\n)\s*\(?([A-H])[).:]\s/g;

export function featurize(task: Task, words = 0): Float64Array {
  const text = taskText(task);
  const x = new Float64Array(DENSE.length + words);
  let k = 0;
  x[k++] = 1;
  for (const t of TASK_TYPES) x[k++] = task.type === t ? 1 : 0;
  // The first tag counts most: weights 1, 1/2, 1/3 … by position.
  const domains = task.domain ?? [];
  const domainWeight = (match: (tag: string) => boolean) => domains.reduce((w, tag, i) => (match(tag) ? Math.max(w, 1 / (i + 1)) : w), 0);
  for (const d of DOMAIN_TAGS) x[k++] = domainWeight((tag) => tag === d);
  x[k++] = domainWeight((tag) => !(DOMAIN_TAGS as readonly string[]).includes(tag));
  x[k++] = (task.language ?? 'en') === 'en' ? 1 : 0;
  k = profiledFeatures(task, x, k);
  const tokens = taskTokens(task);
  x[k++] = Math.min(1, Math.log2(1 + tokens) / 12);
  x[k++] = tokens < 64 ? 1 : 0;
  x[k++] = /```|\bdef\b|\bfunction\b|\bpython\b|\breturn\b|\bclass\b/i.test(text) ? 1 : 0;
  x[k++] = /^\s*(write|implement|create|generate|build)\b/i.test(text) ? 1 : 0;
  const letters = new Set([...text.matchAll(OPTION)].map((m) => m[1]));
  x[k++] = Math.min(1, letters.size / 5);
  x[k++] = letters.size === 2 ? 1 : 0;
  x[k++] = letters.size >= 4 ? 1 : 0;
  // Each regex runs only when the text holds a character its match needs (a native search): a long prompt is not scanned for nothing.
  x[k++] = text.includes(':') ? Math.min(1, (text.match(/\banswer:/gi)?.length ?? 0) / 10) : 0;
  x[k++] = text.includes('_') && /(^|\s)_(\s|[.,'])/.test(text) ? 1 : 0;
  x[k++] = endsLineWithQuestion(text) ? 1 : 0;
  const digits = digitCount(text);
  x[k++] = Math.min(1, (10 * digits) / Math.max(1, text.length));
  x[k++] = digits >= 2 && /\d\s*[-+*/^=]\s*\d/.test(text) ? 1 : 0;
  // The last paragraph is the question itself when the prompt is few-shot.
  const lastParagraph = lastParagraphOf(text);
  x[k++] = Math.min(1, Math.log2(1 + lastParagraph.length) / 12);
  x[k++] = digits > 0 && /\d/.test(lastParagraph) ? 1 : 0;
  x[k++] = /\b(not|never|except|least)\b|n't\b/i.test(lastParagraph) ? 1 : 0;
  if (words > 0) {
    const last = lastParagraph.toLowerCase().match(/[a-z]{3,}/g) ?? [];
    const scale = 1 / Math.sqrt(Math.max(1, last.length));
    for (const w of last) x[k + (fnv1a(w) % words)] += scale;
  }
  return x;
}

/** Whether a line of `text` ends in "?" and whitespace (what /\?\s*$/m tests), looking only after each "?". */
export function endsLineWithQuestion(text: string): boolean {
  for (let q = text.indexOf('?'); q >= 0; q = text.indexOf('?', q + 1)) {
    let i = q + 1;
    for (; i < text.length && isSpaceCode(text.charCodeAt(i)); i++) if (isLineEnd(text.charCodeAt(i))) return true;
    if (i === text.length) return true;
  }
  return false;
}

/** The units where a line ends for a regex's m flag: \n, \r, U+2028, U+2029. */
const isLineEnd = (c: number) => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;

/** How many ASCII digits `text` holds (what text.match(/\d/g).length counts, without the array). */
export function digitCount(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

/**
 * Whether the UTF-16 unit `c` is one JavaScript's \s matches: the characters a
 * whitespace run between paragraphs may hold. A test on the code, not a regex
 * on a one-character string, which made a long prompt's walk ~10× slower.
 */
export function isSpaceCode(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 160) return false;
  return c === 160 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

const isSpace = (text: string, i: number) => isSpaceCode(text.charCodeAt(i));

/**
 * The last paragraph that is not blank: text.split(/\n\s*\n/).filter((p) => p.trim()).at(-1) ?? '',
 * found from the end, without splitting a long prompt. A separator is a run
 * of whitespace holding two line feeds or more, from its first line feed to
 * its last (what the forward regex match takes).
 */
export function lastParagraphOf(text: string): string {
  let end = text.length;
  while (end > 0 && isSpace(text, end - 1)) end--;
  if (end === 0) return '';
  // After the last non-space character only whitespace follows: the paragraph ends at that run's first line feed when the run holds a separator.
  let firstFeed = -1;
  let feeds = 0;
  for (let i = end; i < text.length; i++) if (text.charCodeAt(i) === 10) (feeds++, firstFeed < 0 && (firstFeed = i));
  const stop = feeds >= 2 ? firstFeed : text.length;
  // Back from the last non-space character to the nearest whitespace run holding a separator: the paragraph starts after its last line feed.
  let start = 0;
  for (let i = end - 1; i >= 0; ) {
    if (!isSpace(text, i)) {
      i--;
      continue;
    }
    let runStart = i;
    while (runStart > 0 && isSpace(text, runStart - 1)) runStart--;
    let lastFeed = -1;
    let count = 0;
    for (let j = runStart; j <= i; j++) if (text.charCodeAt(j) === 10) (count++, (lastFeed = j));
    if (count >= 2) {
      start = lastFeed + 1;
      break;
    }
    i = runStart - 1;
  }
  return text.slice(start, stop);
}

/** Intent, target and code language from the profile, each weighted by its confidence (1 when stated or unstated). Returns the next index. */
function profiledFeatures(task: Task, x: Float64Array, k: number): number {
  const sure = (f: keyof NonNullable<Task['confidence']>) => task.confidence?.[f] ?? 1;
  for (const i of INTENTS) x[k++] = task.intent === i ? sure('intent') : 0;
  x[k++] = task.target_language ? sure('target_language') : 0;
  x[k++] = task.target_language === 'en' ? sure('target_language') : 0;
  const code = task.code_language;
  for (const c of CODE_FEATURES) x[k++] = code === c ? sure('code_language') : 0;
  x[k++] = code && !(CODE_FEATURES as readonly string[]).includes(code) ? sure('code_language') : 0;
  return k;
}

/**
 * Features of the per-model cost model: the task features plus input tokens,
 * linearly (a call's dollars grow about linearly with them), so that it
 * extrapolates to prompts longer or shorter than any seen.
 */
export function costFeatures(task: Task, base: Float64Array): Float64Array {
  const x = new Float64Array(base.length + 1);
  x.set(base);
  x[base.length] = taskTokens(task) / 100; // large next to the other features, so ridge prefers it for size
  return x;
}
