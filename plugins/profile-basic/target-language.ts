/**
 * The language a translation is into, from how the prompt asks for it:
 * "into French", "translate … to German", "from English to Spanish", or a
 * native phrase ("en français", "auf Deutsch"). ISO 639-1 codes, for
 * languages eld (the source-language detector) also covers.
 */

/** English names (and common variants) of languages, to ISO 639-1. */
export const LANGUAGE_NAMES: Readonly<Record<string, string>> = {
  english: 'en', french: 'fr', german: 'de', spanish: 'es', castilian: 'es', italian: 'it', portuguese: 'pt', dutch: 'nl', flemish: 'nl',
  russian: 'ru', ukrainian: 'uk', polish: 'pl', czech: 'cs', slovak: 'sk', slovenian: 'sl', croatian: 'hr', serbian: 'sr', bulgarian: 'bg',
  romanian: 'ro', hungarian: 'hu', greek: 'el', turkish: 'tr', swedish: 'sv', danish: 'da', norwegian: 'no', finnish: 'fi', icelandic: 'is',
  estonian: 'et', latvian: 'lv', lithuanian: 'lt', albanian: 'sq', armenian: 'hy', georgian: 'ka', azerbaijani: 'az', basque: 'eu', catalan: 'ca',
  belarusian: 'be', arabic: 'ar', hebrew: 'he', persian: 'fa', farsi: 'fa', kurdish: 'ku', urdu: 'ur', hindi: 'hi', bengali: 'bn', punjabi: 'pa',
  gujarati: 'gu', marathi: 'mr', tamil: 'ta', telugu: 'te', kannada: 'kn', malayalam: 'ml', oriya: 'or', chinese: 'zh', mandarin: 'zh',
  japanese: 'ja', korean: 'ko', vietnamese: 'vi', thai: 'th', lao: 'lo', malay: 'ms', tagalog: 'tl', filipino: 'tl', amharic: 'am', yoruba: 'yo',
};

/** Native phrases that ask for a language ("en français"), lower case, to ISO 639-1. */
const NATIVE_PHRASES: ReadonlyArray<[RegExp, string]> = [
  [/\ben fran[çc]ais\b/i, 'fr'],
  [/\bauf deutsch\b/i, 'de'],
  [/\ben espa[ñn]ol\b|\bal espa[ñn]ol\b/i, 'es'],
  [/\bin italiano\b|\ball'italiano\b/i, 'it'],
  [/\bem portugu[êe]s\b|\bpara o portugu[êe]s\b/i, 'pt'],
  [/\bin het nederlands\b|\bnaar het nederlands\b/i, 'nl'],
  [/на русском|на русский/i, 'ru'],
  [/\bpo polsku\b|\bna polski\b/i, 'pl'],
  [/\bpå svenska\b/i, 'sv'],
  [/\btürkçe(ye)?\b/i, 'tr'],
  [/日本語で|日本語に/, 'ja'],
  [/用中文|翻译成中文|译成中文/, 'zh'],
  [/한국어로/, 'ko'],
];

const NAMES = Object.keys(LANGUAGE_NAMES).join('|');
/** "into X" anywhere; "to/in X" after a translate verb in the same sentence; "from X to Y". */
const ASKS: readonly RegExp[] = [
  new RegExp(`\\binto\\s+(${NAMES})\\b`, 'i'),
  new RegExp(`\\btranslat\\w*\\b[^.!?\\n]{0,120}?\\b(?:to|in)\\s+(${NAMES})\\b`, 'i'),
  new RegExp(`\\bfrom\\s+(?:${NAMES})\\s+to\\s+(${NAMES})\\b`, 'i'),
];

/** ISO 639-1 code of the language asked for, or undefined when the text asks for none. */
export function targetLanguage(text: string): string | undefined {
  const prose = text.replace(/```[\s\S]*?```/g, ' ');
  for (const re of ASKS) {
    const m = re.exec(prose);
    if (m) return LANGUAGE_NAMES[m[1].toLowerCase()];
  }
  for (const [re, code] of NATIVE_PHRASES) if (re.test(prose)) return code;
  return undefined;
}
