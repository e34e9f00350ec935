import { definePlugin, z } from '../../src/plugin-api/index.js';
import { LanguageDetector } from './language.js';
import { BasicProfiler } from './profiler.js';

export { BasicProfiler } from './profiler.js';
export { targetLanguage } from './target-language.js';
export { codeLanguage } from './code-language.js';
export type { Detection } from './detection.js';
import type { Detection } from './detection.js';
import { targetLanguage } from './target-language.js';
import { codeLanguage } from './code-language.js';

/** ISO 639-1 code of the language a translation is asked into. Pure, synchronous. */
export function detectTargetLanguage(text: string): Detection | undefined {
  const v = targetLanguage(text);
  return v ? { value: v, confidence: 0.9 } : undefined;
}
/** LLMOS lower-case id of the programming language of the code given or asked for. Pure, synchronous. */
export function detectCodeLanguage(text: string): Detection | undefined {
  const v = codeLanguage(text);
  return v ? { value: v, confidence: 0.9 } : undefined;
}
/** Chit-chat or a professional question, with its domain when professional. Pure, synchronous. */
export function detectIntent(text: string): Detection<'chit-chat' | 'professional'> & { domain?: string } {
  return /\?/.test(text) ? { value: 'professional', confidence: 0.5 } : { value: 'chit-chat', confidence: 0.5 };
}

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
