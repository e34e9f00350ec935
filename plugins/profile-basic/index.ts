import { definePlugin, z } from '../../src/plugin-api/index.js';
import { LanguageDetector } from './language.js';
import { BasicProfiler } from './profiler.js';

export { BasicProfiler } from './profiler.js';
export type { Detection } from './detection.js';
/** The detectors behind the profile: pure, synchronous, each with a confidence in [0, 1]. */
export { detectTargetLanguage, targetLanguage } from './target-language.js';
export { detectCodeLanguage, codeLanguage } from './code-language.js';
export { detectIntent, type Intent } from './intent.js';

/** How long after start the detectors' tables are loaded. */
const WARM_AFTER_MS = 2000;

export default definePlugin({
  name: 'profile-basic',
  version: '1.1.0',
  apiVersion: '^1.2.0',
  description: 'Profiles tasks at spawn: type by ordered rules, language with eld, target language from phrasings in 13 languages, code language from fences, names and code (a logistic-regression model trained on registry packages, flourite where it is unsure), intent (chit-chat or professional) by lexical cues, domain tags by keywords, size in tokens; each with a confidence.',
  provides: ['profiler'],
  options: z.object({
    fallback_language: z.string().min(2).max(16).default('en').describe('Language when the text is too short or eld is unsure.'),
  }),
  register(scope, opts) {
    const profiler = new BasicProfiler(new LanguageDetector(opts.fallback_language));
    scope.profiler(profiler);
    // The tables (~0.45 s of loading) are read once the server is up and has answered its first
    // requests, not during start and not inside the first spawn.
    let warming: NodeJS.Timeout | undefined;
    return {
      start: () => void (warming = setTimeout(() => profiler.warm(), WARM_AFTER_MS).unref()),
      stop: () => clearTimeout(warming),
    };
  },
});
