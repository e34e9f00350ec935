import { contentText, toolsText, type Message, type ResponseFormat, type ToolDefinition } from './message.js';

/** What a prompt is made of (PromptParts in model.ts, restated here so that task.ts can use this file without a cycle). */
interface PromptParts {
  messages: readonly Message[];
  tools?: readonly ToolDefinition[];
  response_format?: ResponseFormat;
}

/**
 * Token estimates for backends with no tokenizer, by code point class, so
 * that no script is undercounted by a large factor (4 characters a token
 * counts a Chinese sentence at a quarter of its tokens):
 *   - Chinese, Japanese and Korean (ideographs, kana, hangul, their
 *     punctuation and full-width forms): 1 token a code point, as in
 *     o200k_base and most multilingual BPE vocabularies (cl100k_base averages
 *     ~1.1 on common text; rare ideographs can take 2-3 in any tokenizer);
 *   - any other non-ASCII code point (Cyrillic, Greek, Arabic, accents): 1
 *     token each, over the ~0.3-0.7 BPE vocabularies give them; an emoji
 *     can take 2-3;
 *   - ASCII: 4 characters a token, within ~25% of GPT and Llama tokenizers
 *     on English prose; dense code or digits can take more.
 */

/** What a text is made of, by code point: ASCII ones, others, and the others' UTF-8 bytes. */
export interface CodePointCounts {
  ascii: number;
  other: number;
  otherBytes: number;
}

/**
 * Counts `text`'s code points by class in one walk over its UTF-16 units (a
 * surrogate pair is one code point of 4 bytes, a lone surrogate one of 3),
 * ~10× faster than iterating code points. Token estimates run several times
 * per call over the whole prompt, so an ASCII text, told by V8's native UTF-8
 * count, is not walked at all: 0.8 µs for a 17 KB prompt against 72 µs.
 */
export function countCodePoints(text: string): CodePointCounts {
  if (Buffer.byteLength(text, 'utf8') === text.length) return { ascii: text.length, other: 0, otherBytes: 0 };
  let ascii = 0;
  let other = 0;
  let otherBytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) ascii++;
    else {
      other++;
      if (unit < 0x800) otherBytes += 2;
      else if (unit >= 0xd800 && unit < 0xdc00 && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        otherBytes += 4;
        i++; // the pair's low half
      } else otherBytes += 3;
    }
  }
  return { ascii, other, otherBytes };
}

/** Estimated tokens in `text` (see above): non-ASCII code points 1 each, ASCII 4 characters a token. */
export function estimateTokens(text: string): number {
  const { ascii, other } = countCodePoints(text);
  return Math.ceil(ascii / 4) + other;
}

/** Tokens a chat format adds per message (role and separators): OpenAI's spends 3 (+1 for a name), ChatML and Llama 3 headers 5. */
export const PER_MESSAGE_TOKENS = 5;
/** Tokens the format adds once per request, to prime the reply ("<|start|>assistant<|message|>"). */
export const PER_REQUEST_TOKENS = 3;

/** The text a prompt is made of, one message a line: every block's text, tool calls and results (not images), tool definitions and the response schema. */
export function promptText(prompt: PromptParts): string {
  const text = prompt.messages.map((m) => contentText(m.content)).join('\n');
  const tools = prompt.tools?.length ? `\n${toolsText(prompt.tools)}` : '';
  const format = prompt.response_format?.type === 'json_schema' ? `\n${JSON.stringify(prompt.response_format.schema)}` : '';
  return text + tools + format;
}

/**
 * The kernel's estimate of a prompt's tokens for a backend with no
 * countTokens: its text (estimateTokens) plus the chat format's tokens per
 * message and per request. A template that adds a default system prompt is
 * not covered: such a backend must count itself (see ModelBackend.countTokens).
 */
export const estimatePromptTokens = (prompt: PromptParts): number =>
  estimateTokens(promptText(prompt)) + PER_MESSAGE_TOKENS * prompt.messages.length + PER_REQUEST_TOKENS;
