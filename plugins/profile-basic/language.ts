import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { eld as Eld } from 'eld/small';

type EldDetector = Pick<typeof Eld, 'detect'>;
const require = createRequire(import.meta.url);
/** A file of eld's own, beside its "small" entry (its package exports name only the entries). */
const eldFile = (path: string): string => join(dirname(fileURLToPath(import.meta.resolve('eld/small'))), path);

/** Where the build writes eld's "small" n-gram table as JSON (see writeEldTable). */
export const ELD_TABLE_JSON = fileURLToPath(new URL('./eld-small.json', import.meta.url));

/** eld's table as the build writes it: each distinct score map once, in `scores`, and each n-gram naming its map by index. */
interface SharedScoresTable {
  scores: Array<Record<string, number>>;
  ngrams: Record<string, number>;
}

/**
 * A detector on eld's "small" n-gram table. From the JSON the build wrote
 * when it is there: parsing eld's 1.6 MB JavaScript module instead adds
 * 105 MB resident against 41 (the parser's memory, and the module's bytecode
 * and boilerplate kept alive) and keeps 44 MB of heap against 23, which every
 * major GC walks (test/bench/eld-load.mjs). In that JSON the 81k n-grams
 * share their 18k distinct score maps (see writeEldTable), which halves the
 * table's heap again: an object keyed by a language's index up to 59 holds
 * an array that long. Otherwise (no file, or not a table) from eld's module.
 * Either way eld's own detector runs on the same table (a test checks they
 * agree). Loaded with require(), as Profiler.profile is synchronous.
 */
export function loadEld(json = ELD_TABLE_JSON): EldDetector {
  try {
    if (existsSync(json)) {
      const { createEld } = require(eldFile('../languageDetector.js')) as { createEld: () => { instance: EldDetector; loadData: (data: unknown) => unknown } };
      const { instance, loadData } = createEld();
      if (loadData(sharingScores(JSON.parse(readFileSync(json, 'utf8')) as SharedScoresTable))) return instance;
    }
  } catch {
    // not an eld table (a stale or broken build): eld's module below
  }
  return (require(eldFile('../entries/static.small.js')) as { eld: typeof Eld }).eld.newInstance();
}

/** The table eld reads, each n-gram pointing at its shared score map; throws when `table` is not one writeEldTable wrote. */
function sharingScores({ scores, ...table }: SharedScoresTable): object {
  if (!Array.isArray(scores)) throw new Error('not an eld table with shared scores');
  const ngrams: Record<string, number | Record<string, number>> = table.ngrams;
  for (const ngram in ngrams) ngrams[ngram] = scores[ngrams[ngram] as number];
  return table;
}

/** Writes eld's "small" n-gram table as JSON for loadEld, each distinct score map once (a build step: dist/plugins/profile-basic/write-eld-table.js). */
export function writeEldTable(json = ELD_TABLE_JSON): void {
  const { ngramsData } = require(eldFile('../ngrams/small.js')) as { ngramsData: { ngrams: Record<string, Record<string, number>> } };
  const index = new Map<string, number>();
  const scores: Array<Record<string, number>> = [];
  const ngrams: Record<string, number> = {};
  for (const [ngram, map] of Object.entries(ngramsData.ngrams)) {
    const key = JSON.stringify(map);
    let i = index.get(key);
    if (i === undefined) index.set(key, (i = scores.push(map) - 1));
    ngrams[ngram] = i;
  }
  writeFileSync(json, JSON.stringify({ ...ngramsData, ngrams, scores }));
}

/**
 * Language detection with eld (Efficient Language Detector): pure JavaScript,
 * synchronous once its n-gram table is loaded (see loadEld above), ISO 639-1
 * codes, 60 languages, and an isReliable() verdict. "large" buys little for
 * prompts. Code blocks are stripped first; only the first `maxChars` are read.
 */
export class LanguageDetector {
  private detector?: EldDetector;

  constructor(private readonly fallback = 'en', private readonly maxChars = 1500) {}

  /** Loads eld's table now (the plugin does it in the background after start), so no spawn pays for it. */
  warm(): void {
    this.detector ??= loadEld();
  }

  /** ISO 639-1 code; `fallback` when the text is too short or eld is unsure. */
  detect(text: string): string {
    return this.detectWithConfidence(text).value;
  }

  /** The code with a confidence: 0.9 when eld calls its verdict reliable, 0.3 for the fallback. */
  detectWithConfidence(text: string): { value: string; confidence: number } {
    const prose = text.replace(/```[\s\S]*?```/g, ' ').slice(0, this.maxChars);
    if (prose.trim().length < 3) return { value: this.fallback, confidence: 0.3 };
    this.warm();
    const r = this.detector!.detect(prose);
    return r.language && r.isReliable() ? { value: r.language, confidence: 0.9 } : { value: this.fallback, confidence: 0.3 };
  }
}
