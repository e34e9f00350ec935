import { definePlugin, z } from '../../src/plugin-api/index.js';
import { LanguageDetector } from './language.js';
import { BasicProfiler } from './profiler.js';

export { BasicProfiler } from './profiler.js';
export type { Detection } from './detection.js';
/** The detectors behind the profile: pure, synchronous, each with a confidence in [0, 1]. */
export { detectTargetLanguage, targetLanguage } from './target-language.js';
export { detectCodeLanguage, codeLanguage } from './code-language.js';
export { detectIntent, type Intent } from './intent.js';

export default definePlugin({
  name: 'profile-basic',
  version: '1.1.0',
  apiVersion: '^1.0.0',
  description: 'Profiles tasks at spawn: type by ordered rules, language with eld, target language from phrasings in 13 languages, code language from fences, names and code (a naive-Bayes model trained on registry packages, flourite where it is unsure), intent (chit-chat or professional) by lexical cues, domain tags by keywords, size in tokens; each with a confidence.',
  provides: ['profiler'],
  options: z.object({
    fallback_language: z.string().min(2).max(16).default('en').describe('Language when the text is too short or eld is unsure.'),
  }),
  register(scope, opts) {
    scope.profiler(new BasicProfiler(new LanguageDetector(opts.fallback_language)));
  },
});
