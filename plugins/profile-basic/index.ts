import { definePlugin, z } from '../../src/plugin-api/index.js';
import { LanguageDetector } from './language.js';
import { BasicProfiler } from './profiler.js';

export { BasicProfiler } from './profiler.js';
export { targetLanguage } from './target-language.js';
export { codeLanguage } from './code-language.js';

export default definePlugin({
  name: 'profile-basic',
  version: '1.0.0',
  apiVersion: '^1.0.0',
  description: 'Profiles tasks at spawn: type by ordered rules, language with eld, target language and code language from phrasings, domain tags by keywords, size in tokens.',
  provides: ['profiler'],
  options: z.object({
    fallback_language: z.string().min(2).max(16).default('en').describe('Language when the text is too short or eld is unsure.'),
  }),
  register(scope, opts) {
    scope.profiler(new BasicProfiler(new LanguageDetector(opts.fallback_language)));
  },
});
