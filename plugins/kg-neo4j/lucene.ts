import { kgSearchWords } from '../../src/plugin-api/index.js';

/** Lucene's query-syntax characters (and the two-character operators' halves). */
const SPECIAL = /[+\-&|!(){}[\]^"~*?:\\/]/g;

/** Escapes every Lucene special character with a backslash. */
export const escapeLucene = (text: string): string => text.replace(SPECIAL, (c) => `\\${c}`);

/**
 * The fulltext query for a search: each word of the text (kgSearchWords) as
 * an exact term (boosted) or a prefix, any word matching. Returns undefined
 * when the text has no words. Words are escaped even though kgSearchWords
 * already keeps only letters, digits and underscores: the escape is the
 * contract, the word split is the matching rule shared with kg-embedded.
 */
export function luceneQuery(text: string): string | undefined {
  const words = kgSearchWords(text).map(escapeLucene);
  return words.length ? words.map((w) => `${w}^2 ${w}*`).join(' ') : undefined;
}
