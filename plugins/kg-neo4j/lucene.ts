import { kgGraphKey, kgSearchTerms } from '../../src/plugin-api/index.js';

/** Lucene's query-syntax characters (and the two-character operators' halves). */
const SPECIAL = /[+\-&|!(){}[\]^"~*?:\\/]/g;

/** Escapes every Lucene special character with a backslash. */
export const escapeLucene = (text: string): string => text.replace(SPECIAL, (c) => `\\${c}`);

/**
 * The fulltext query for a search in `graph`: the graph's key required, and
 * each word of the text (kgSearchTerms) as an exact term (boosted) or, when
 * long enough, also a prefix, any word matching. Returns undefined when the
 * text has no words. Words are escaped even though kgSearchTerms already
 * keeps only letters, digits and underscores: the escape is the contract, the
 * word split is the matching rule shared with kg-embedded.
 */
export function luceneQuery(graph: string, text: string): string | undefined {
  const terms = kgSearchTerms(text).map((t) => {
    const w = escapeLucene(t.word);
    return t.prefix ? `${w}^2 ${w}*` : w;
  });
  return terms.length ? `+gkey:${kgGraphKey(graph)} +(${terms.join(' ')})` : undefined;
}
