import { estimateTokens, messagesText, taskMessages, taskText, type Profiler, type Task, type TaskProfile } from '../../src/plugin-api/index.js';
import { detectCodeLanguage } from './code-language.js';
import { domainTags } from './domains.js';
import { detectIntent } from './intent.js';
import { LanguageDetector } from './language.js';
import { detectTargetLanguage } from './target-language.js';
import { classifyType } from './type-rules.js';

/**
 * Rules for type, eld for language, phrasings for target language, fences,
 * names and flourite for code language, lexical cues for intent, keywords for
 * domain, ~4 characters a token for size (tool schemas included). Only the
 * transcript is read for the rest: tool schemas are not the caller's prose.
 * Confidences are given for language, target language, code language and
 * intent; a professional request with no keyword domain takes the intent's.
 */
export class BasicProfiler implements Profiler {
  constructor(private readonly lang = new LanguageDetector()) {}

  profile(task: Task): TaskProfile {
    const text = messagesText(taskMessages(task));
    const target = detectTargetLanguage(text);
    const code = detectCodeLanguage(text);
    const intent = detectIntent(text);
    const tags = domainTags(text);
    const language = this.lang.detectWithConfidence(text);
    return {
      type: classifyType(text),
      language: language.value,
      ...(target && { target_language: target.value }),
      ...(code && { code_language: code.value }),
      intent: intent.value,
      domain: tags.length || intent.value !== 'professional' || !intent.domain ? tags : [intent.domain],
      size: estimateTokens(taskText(task)),
      confidence: { language: language.confidence, intent: intent.confidence, ...(target && { target_language: target.confidence }), ...(code && { code_language: code.confidence }) },
    };
  }
}
