import type OpenAI from 'openai';
import { promptText, type PromptParts } from '../../src/plugin-api/index.js';
import { toOpenAiExtras, toOpenAiMessages } from './chat-format.js';

/**
 * An upper estimate of a prompt's tokens for a model whose tokenizer and
 * chat template are unknown (any model behind an OpenAI-compatible server
 * that does not count for us), by code point class:
 *   - ASCII: 1 token per 3 characters (GPT, Llama, Mistral, Qwen and SmolLM
 *     tokenizers spend 1 per 4-5 on English prose: ≥ 25% margin);
 *   - other code points: 1 token per 1.5 UTF-8 bytes, i.e. 2 per CJK
 *     character and 1.33 per Cyrillic or accented letter (small byte-level
 *     vocabularies such as SmolLM2's 49k spend ~2 per CJK character; large
 *     ones ~1);
 *   - 8 tokens per message for role markers and separators (ChatML,
 *     Llama 3 and OpenAI's format spend 3-5);
 *   - 64 per request for the reply primer and a default system prompt the
 *     template may add (SmolLM2's and Qwen2.5's take ~20, Llama 3.1's ~25).
 * Error bound: an overcount by 25-100% on natural-language text. It can
 * undercount only a template with a longer hidden system prompt, tools the
 * template renders at length, or a tokenizer spending more than 1 token per
 * 1.5 bytes (the hard worst case of a byte-level tokenizer is 1 per byte).
 */
export function upperEstimate(prompt: PromptParts): number {
  let ascii = 0;
  let bytes = 0;
  for (const ch of promptText(prompt)) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) ascii++;
    else bytes += cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return Math.ceil(ascii / 3) + Math.ceil(bytes / 1.5) + 8 * prompt.messages.length + 64;
}

/** What llama.cpp's server answers: POST /apply-template → {prompt}, POST /tokenize → {tokens}. */
interface Rendered {
  prompt?: unknown;
}
interface Tokenized {
  tokens?: unknown;
}

/** The server answered, but not as a server that counts tokens. */
class NotACounter extends Error {}

/**
 * Exact counts from a server that renders and tokenizes for us (llama.cpp's
 * server: /apply-template renders the messages with the model's template
 * exactly as /v1/chat/completions does, /tokenize counts with the model's
 * tokenizer). Falls back to upperEstimate when the server has no such
 * endpoints (remembered after the first 404) or does not answer in time.
 */
export class PromptCounter {
  /** false once the server showed it cannot count (404, or answers of another shape). */
  private serverCounts = true;
  private readonly root: string;

  constructor(
    private readonly client: OpenAI,
    private readonly upstreamModel: string,
    private readonly timeoutMs: number,
  ) {
    // The server's root: the base URL without its OpenAI "/v1" suffix.
    this.root = client.baseURL.replace(/\/+$/, '').replace(/\/v1$/, '');
  }

  async count(prompt: PromptParts): Promise<number> {
    if (!this.serverCounts) return upperEstimate(prompt);
    try {
      return await this.countOnServer(prompt);
    } catch (e) {
      if ((e as { status?: number }).status === 404 || e instanceof NotACounter) this.serverCounts = false;
      return upperEstimate(prompt);
    }
  }

  private async countOnServer(prompt: PromptParts): Promise<number> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    const body = { model: this.upstreamModel, messages: toOpenAiMessages(prompt.messages), ...toOpenAiExtras(prompt) };
    const rendered = await this.client.post<Rendered>(`${this.root}/apply-template`, { body, signal, maxRetries: 0 });
    if (typeof rendered?.prompt !== 'string') throw new NotACounter('apply-template answered without a prompt');
    const tokenized = await this.client.post<Tokenized>(`${this.root}/tokenize`, { body: { content: rendered.prompt, add_special: true, parse_special: true }, signal, maxRetries: 0 });
    if (!Array.isArray(tokenized?.tokens)) throw new NotACounter('tokenize answered without tokens');
    return tokenized.tokens.length;
  }
}
