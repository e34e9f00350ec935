import { estimateTokens, taskText, type Profiler, type Task, type TaskProfile } from '../../src/plugin-api/index.js';
import { domainTags } from './domains.js';
import { LanguageDetector } from './language.js';
import { classifyType } from './type-rules.js';

/** Rules for type, eld for language, keywords for domain, ~4 characters a token for size. */
export class BasicProfiler implements Profiler {
  constructor(private readonly lang = new LanguageDetector()) {}

  profile(task: Task): TaskProfile {
    const text = taskText(task);
    return { type: classifyType(text), language: this.lang.detect(text), domain: domainTags(text), size: estimateTokens(text) };
  }
}
