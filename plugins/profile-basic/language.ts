import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { eld as Eld } from 'eld/small';

/**
 * eld's "small" n-gram table, loaded at the first detection rather than at
 * import: ~0.3 s (seconds on a loaded machine) that the server's start no
 * longer waits for. Loaded with require() of the ES module (Node ≥ 20.19),
 * because Profiler.profile is synchronous.
 */
let table: typeof Eld | undefined;
const eld = (): typeof Eld => (table ??= (createRequire(import.meta.url)(fileURLToPath(import.meta.resolve('eld/small'))) as { eld: typeof Eld }).eld);

/**
 * Language detection with eld (Efficient Language Detector): pure JavaScript,
 * synchronous once its n-gram table is loaded (see eld() above), ISO 639-1
 * codes, 60 languages, and an isReliable() verdict. "large" buys little for
 * prompts. Code blocks are stripped first; only the first `maxChars` are read.
 */
export class LanguageDetector {
  private detector?: ReturnType<typeof Eld.newInstance>;

  constructor(private readonly fallback = 'en', private readonly maxChars = 1500) {}

  /** Loads eld's table now (the plugin does it in the background after start), so no spawn pays for it. */
  warm(): void {
    this.detector ??= eld().newInstance();
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
