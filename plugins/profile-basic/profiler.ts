import { estimateTokens, messagesText, taskMessages, taskText, type Profiler, type Task, type TaskProfile } from '../../src/plugin-api/index.js';
import { codeLanguage } from './code-language.js';
import { domainTags } from './domains.js';
import { LanguageDetector } from './language.js';
import { targetLanguage } from './target-language.js';
import { classifyType } from './type-rules.js';

/**
 * Rules for type, eld for language, phrasings for target language, fences
 * and names for code language, keywords for domain, ~4 characters a token
 * for size (tool schemas included). Only the transcript is read for the
 * rest: tool schemas are not the caller's prose.
 */
export class BasicProfiler implements Profiler {
  constructor(private readonly lang = new LanguageDetector()) {}

  profile(task: Task): TaskProfile {
    const text = messagesText(taskMessages(task));
    const target = targetLanguage(text);
    const code = codeLanguage(text);
    return {
      type: classifyType(text),
      language: this.lang.detect(text),
      ...(target && { target_language: target }),
      ...(code && { code_language: code }),
      domain: domainTags(text),
      size: estimateTokens(taskText(task)),
    };
  }
}
