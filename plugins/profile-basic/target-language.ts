import type { Detection } from './detection.js';
import { ENGLISH_NAMES, NATIVE_NAMES } from './language-names.js';

/**
 * The language a translation (or an answer) is asked into, however the
 * request phrases it, as an ISO 639-1 code for the languages eld covers.
 * Cues are tried from the plainest to the loosest, each with the
 * confidence it earns:
 *  - "from English to French"                                  0.97
 *  - "translate … to/into/in French"                           0.95
 *  - a native phrase: "en français", "ins Englische", "на английский",
 *    "翻译成英文", "英語に", "영어로"                             0.9
 *  - "into French", "how do you say X in French"               0.9
 *  - "in French please", "say this using French", "French version" 0.85
 *  - a translate verb in any of 13 languages and a language name  0.75
 * Code blocks are not read: a language named inside code is not asked for.
 */

export { ENGLISH_NAMES as LANGUAGE_NAMES } from './language-names.js';

const EN = Object.keys(ENGLISH_NAMES).join('|');
const NATIVE = Object.values(NATIVE_NAMES).join('|');
const NOT_LETTER_BEFORE = '(?<!\\p{L})';
const NOT_LETTER_AFTER = '(?!\\p{L})';
/** Words that put a language after them in the languages NATIVE_NAMES are written in (fr, de, es, it, pt, nl, ru, pl, sv). */
const NATIVE_PREPS = "en|vers(?:\\s+l[ea]|\\s+l['’])?|au|à\\s+l['’]|auf|ins|nach|in|al|a|em|para(?:\\s+o)?|naar(?:\\s+het)?|in\\s+het|на|po|na|på|till|in\\s+lingua|sul|nell['’]|all['’]";
const TRANSLATE_VERBS = 'translat|render|traduis|tradui|traduz|traduc|tradurre|traduci|übersetz|vertaal|перев[её]д|переведи|przetłumacz|tłumacz|çevir|översätt|oversæt|oversett|翻译|翻譯|翻訳|번역';

type Cue = readonly [RegExp, number];
const CUES: readonly Cue[] = [
  [new RegExp(`\\bfrom\\s+(?:${EN})\\s+(?:to|into)\\s+(${EN})\\b`, 'i'), 0.97],
  [new RegExp(`\\b(?:translat|render|convert|put)\\w*\\b[^.!?\\n]{0,120}?\\b(?:to|into|in)\\s+(${EN})\\b`, 'i'), 0.95],
  [new RegExp(`${NOT_LETTER_BEFORE}(?:${NATIVE_PREPS}|по-)\\s*(${NATIVE})${NOT_LETTER_AFTER}`, 'iu'), 0.9],
  [new RegExp(`(?:成|用|为|為|到)(${NATIVE})|(${NATIVE})(?:に|へ|で|로|으로)`, 'u'), 0.9],
  [new RegExp(`\\binto\\s+(${EN})\\b`, 'i'), 0.9],
  [new RegExp(`\\b(?:how\\s+(?:do|would|can|should|to)\\s+(?:you|i|we|one)?\\s*(?:say|write|spell|pronounce)|what(?:'s|\\s+is|\\s+are)|the\\s+word\\s+for)\\b[^.!?\\n]{0,120}?\\bin\\s+(${EN})\\b`, 'i'), 0.9],
  [new RegExp(`\\b(?:answer|reply|respond|write|speak|explain|say|express|put|tell\\s+me|describe)\\b[^.!?\\n]{0,60}?\\b(?:in|using)\\s+(${EN})\\b`, 'i'), 0.85],
  [new RegExp(`\\bin\\s+(${EN})\\s*(?:please|pls|plz|thanks|thank you|only|instead|as well|too|[,.!?:;)]|$)`, 'im'), 0.85],
  [new RegExp(`\\b(${EN})\\s+(?:version|translation|equivalent|subtitles|rendering)\\b`, 'i'), 0.85],
];
const TRANSLATE = new RegExp(`${TRANSLATE_VERBS}`, 'iu');
const ANY_NAME = new RegExp(`${NOT_LETTER_BEFORE}(${EN}|${NATIVE})${NOT_LETTER_AFTER}`, 'giu');
const FROM_BEFORE = /(?:from|de|du|aus|von|dal|dall['’]|del|do|da|van|из|z|с)\s*$/iu;

/** Each native name's own regex, to tell which language a match of the joint alternation named. */
const NATIVE_EACH = Object.entries(NATIVE_NAMES).map(([code, alt]) => [new RegExp(`^(?:${alt})$`, 'iu'), code] as const);

/** ISO 639-1 code of a language name, English or native. */
function codeOf(name: string): string | undefined {
  const en = ENGLISH_NAMES[name.toLowerCase()];
  if (en) return en;
  for (const [re, code] of NATIVE_EACH) if (re.test(name)) return code;
  return undefined;
}

/** A translate verb and a language name not introduced by "from": the last such name. */
function looseTarget(prose: string): Detection | undefined {
  if (!TRANSLATE.test(prose)) return undefined;
  let found: string | undefined;
  for (const m of prose.matchAll(ANY_NAME)) if (!FROM_BEFORE.test(prose.slice(Math.max(0, m.index - 8), m.index))) found = codeOf(m[1]) ?? found;
  return found ? { value: found, confidence: 0.75 } : undefined;
}

/** The language asked for, with a confidence in [0, 1]; undefined when the text asks for none. */
export function detectTargetLanguage(text: string): Detection | undefined {
  const prose = text.replace(/```[\s\S]*?(?:```|$)/g, ' ').slice(0, 4000);
  for (const [re, confidence] of CUES) {
    const m = re.exec(prose);
    const name = m?.slice(1).find((g) => g !== undefined);
    const code = name && codeOf(name);
    if (code) return { value: code, confidence };
  }
  return looseTarget(prose);
}

const FROM_NAMED = new RegExp(`\\bfrom\\s+(${EN})\\b`, 'i');
/** The passage a translation request quotes: after its first colon or line break, or between quotes. */
const PASSAGE = /[:\n]\s*([\s\S]{3,})$|["“«'‘]([^"”»'’]{3,})["”»'’]/;

/**
 * The language a translation is from, when the request says or shows it:
 * "from German" (confidence 0.97), else the passage after the instruction,
 * to be read by the caller's language detector (the instruction's own
 * language says nothing about the passage's).
 */
export function translationSource(text: string): { named: Detection } | { passage: string } | undefined {
  const prose = text.replace(/```[\s\S]*?(?:```|$)/g, ' ').slice(0, 4000);
  const named = FROM_NAMED.exec(prose)?.[1];
  if (named) return { named: { value: ENGLISH_NAMES[named.toLowerCase()], confidence: 0.97 } };
  const m = PASSAGE.exec(prose);
  const passage = (m?.[1] ?? m?.[2])?.trim();
  return passage ? { passage } : undefined;
}

/** The code alone, for callers that need no confidence. */
export const targetLanguage = (text: string): string | undefined => detectTargetLanguage(text)?.value;
