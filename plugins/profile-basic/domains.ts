import type { DomainTag } from '../../src/plugin-api/index.js';

/**
 * Domain tags by keyword: a tag is given when at least `min` of its words
 * occur (whole-word, case-insensitive). At most three tags, most hits first.
 */
const DOMAINS: Record<DomainTag, RegExp> = {
  programming: /\b(function|python|javascript|code|array|list|string|integer|algorithm|compile|class|variable|regex|tuple|dictionary)\b/gi,
  mathematics: /\b(equation|sum|product|integer|prime|divisible|fraction|angle|triangle|probability|derivative|integral|calculate)\b/gi,
  science: /\b(energy|cell|atom|molecule|force|gravity|planet|organism|chemical|temperature|heat|magnet|electric|species|photosynthesis|earth|sun|water)\b/gi,
  medicine: /\b(patient|disease|symptom|diagnosis|treatment|drug|dose|clinical|therapy|infection)\b/gi,
  law: /\b(court|contract|statute|plaintiff|defendant|liability|legal|law|attorney)\b/gi,
  finance: /\b(stock|bond|interest rate|investment|revenue|profit|tax|inflation|price|market)\b/gi,
  commonsense: /(^|\s)_(\s|[.,])|\b(because|so that|while)\b/gi,
};

export function domainTags(text: string, min = 2): string[] {
  const hits: Array<[string, number]> = [];
  for (const [tag, re] of Object.entries(DOMAINS)) {
    const n = text.match(re)?.length ?? 0;
    if (n >= min) hits.push([tag, n]);
  }
  return hits.sort((a, b) => b[1] - a[1]).slice(0, 3).map(([t]) => t);
}
