import { messagesText, taskMessages, taskTokens, type Profiler, type Task, type TaskProfile } from '../../src/plugin-api/index.js';
import { detectCodeLanguage } from './code-language.js';
import { guesslang } from './code-guesslang.js';
import { codeModel } from './code-model.js';
import { domainTags } from './domains.js';
import { detectIntent } from './intent.js';
import { LanguageDetector } from './language.js';
import { detectTargetLanguage, translationSource } from './target-language.js';
import { classifyType } from './type-rules.js';

/** The most of a transcript the detectors read. Each costs time in proportion to what it reads (6.8 ms for a 128 KB prompt, on the event loop); what they decide does not grow with it. */
export const READ_CHARS = 4096;

/** What the detectors read of `text`: all of it up to READ_CHARS, else its start and its end, where a system prompt and the latest request are. */
export function readable(text: string): string {
  return text.length <= READ_CHARS ? text : `${text.slice(0, READ_CHARS / 2)}\n\n${text.slice(-READ_CHARS / 2)}`;
}

/**
 * Rules for type, eld for language, phrasings for target language, fences,
 * names and a logistic-regression model (code-model.ts, with guesslang's
 * second opinion where it is unsure) for code language, lexical cues for intent, keywords for
 * domain, ~4 characters a token for size (tool schemas included). Only the
 * transcript is read for the rest: tool schemas are not the caller's prose.
 * A translation's source language is that of the passage it quotes, not of
 * the instruction around it. Confidences are given for language, target language, code language and
 * intent; a professional request with no keyword domain takes the intent's.
 * The detectors read at most READ_CHARS of the transcript (readable()); size
 * counts all of it.
 */
export class BasicProfiler implements Profiler {
  constructor(private readonly lang = new LanguageDetector()) {}

  /** Loads the detectors' tables (eld's, the code-language model, guesslang's) that profile() would otherwise load at the first spawn. */
  warm(): void {
    this.lang.warm();
    codeModel();
    guesslang();
  }

  profile(task: Task): TaskProfile {
    const text = readable(messagesText(taskMessages(task)));
    const target = detectTargetLanguage(text);
    const code = detectCodeLanguage(text);
    const intent = detectIntent(text);
    const tags = domainTags(text);
    const language = target ? this.sourceLanguage(text) : this.lang.detectWithConfidence(text);
    return {
      type: classifyType(text),
      language: language.value,
      ...(target && { target_language: target.value }),
      ...(code && { code_language: code.value }),
      intent: intent.value,
      domain: tags.length || intent.value !== 'professional' || !intent.domain ? tags : [intent.domain],
      size: taskTokens(task),
      confidence: { language: language.confidence, intent: intent.confidence, ...(target && { target_language: target.confidence }), ...(code && { code_language: code.confidence }) },
    };
  }

  /** A translation's source: the language it names ("from German"), else its passage's, else the whole text's. */
  private sourceLanguage(text: string): { value: string; confidence: number } {
    const src = translationSource(text);
    if (src && 'named' in src) return src.named;
    const passage = src ? this.lang.detectWithConfidence(src.passage) : undefined;
    return passage && passage.confidence > 0.5 ? passage : this.lang.detectWithConfidence(text);
  }
}
