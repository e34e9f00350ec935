import type OpenAI from 'openai';
import { countCodePoints, promptText, type PromptParts } from '../../src/plugin-api/index.js';
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
  const { ascii, otherBytes } = countCodePoints(promptText(prompt));
  return Math.ceil(ascii / 3) + Math.ceil(otherBytes / 1.5) + 8 * prompt.messages.length + 64;
}

/**
 * OpenAI's own models, whose tokenizer is public (tiktoken's o200k_base and
 * cl100k_base, from gpt-tokenizer, bundled: nothing is fetched at run time).
 * Message text, tool calls and results are counted exactly; the chat format
 * adds OpenAI's documented 3 tokens per message and 3 for the reply; tool
 * and response-format schemas are counted as their JSON text plus 16, an
 * upper bound of how OpenAI renders them (it writes them more compactly).
 * Error bound: exact for text-only prompts, an overcount of at most the
 * schemas' JSON punctuation otherwise; images are not counted (OpenAI bills
 * them by size, outside the prompt text).
 */
const OPENAI_ENCODINGS: Array<[RegExp, 'o200k_base' | 'cl100k_base']> = [
  [/^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|gpt-oss|o1|o3|o4|chatgpt-4o|codex)/, 'o200k_base'],
  [/^(gpt-4|gpt-3\.5)/, 'cl100k_base'],
];

/** The tiktoken encoding of an OpenAI model id ("openai/gpt-4o" and "gpt-4o-mini" alike), or undefined. */
export function openAiEncodingOf(model: string): 'o200k_base' | 'cl100k_base' | undefined {
  const id = model.replace(/^openai\//, '');
  return OPENAI_ENCODINGS.find(([re]) => re.test(id))?.[1];
}

type CountText = (text: string) => number;
const encodings = new Map<string, Promise<CountText>>();
/** Loads an encoding once, on first use (its ranks take a few MB). */
const encodingCounter = (name: 'o200k_base' | 'cl100k_base'): Promise<CountText> => {
  let c = encodings.get(name);
  if (!c) encodings.set(name, (c = import(`gpt-tokenizer/encoding/${name}`).then((m: { countTokens: CountText }) => m.countTokens)));
  return c;
};

/** Exact tokens of an OpenAI model's prompt (see OPENAI_ENCODINGS for what is counted how). */
export async function openAiPromptTokens(encoding: 'o200k_base' | 'cl100k_base', prompt: PromptParts): Promise<number> {
  const count = await encodingCounter(encoding);
  const schemas = [...(prompt.tools ?? []), ...(prompt.response_format ? [prompt.response_format] : [])];
  let n = 3 + 3 * prompt.messages.length;
  n += count(promptText({ messages: prompt.messages }));
  for (const s of schemas) n += count(JSON.stringify(s)) + 16;
  return n;
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
    const encoding = openAiEncodingOf(this.upstreamModel);
    if (encoding) return openAiPromptTokens(encoding, prompt);
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
