import type {
  ChatCompletionContentPart,
  ChatCompletionContentPartText,
  ChatCompletionCreateParamsBase,
  ChatCompletionMessageParam,
  ChatCompletionMessageToolCall,
  ChatCompletionToolChoiceOption,
} from 'openai/resources/chat/completions';
import { blocksOf, LlmosError, plainText, type ContentBlock, type CompletionRequest, type ImageBlock, type Message, type PromptParts, type ToolChoice } from '../../src/plugin-api/index.js';

/**
 * The core message model (plugin-api message.ts) in OpenAI's chat format and
 * back. Tool results become `role: "tool"` messages (one per tool_result
 * block, wherever it stood), tool calls become an assistant's `tool_calls`,
 * images become image_url parts (base64 as a data: URL).
 */

const imageUrl = (b: ImageBlock): string => (b.source.type === 'url' ? b.source.url : `data:${b.source.media_type};base64,${b.source.data}`);

function userPart(b: ContentBlock): ChatCompletionContentPart {
  if (b.type === 'text') return { type: 'text', text: b.text };
  if (b.type === 'image') return { type: 'image_url', image_url: { url: imageUrl(b) } };
  throw new LlmosError('LLMOS_EINVAL', `a ${b.type} block cannot stand in a user message; put tool_use in an assistant message and tool_result in a tool message.`);
}

/** A tool result as OpenAI's tool message content: text only; a failed tool is marked so the model can tell. */
function toolMessage(b: Extract<ContentBlock, { type: 'tool_result' }>): ChatCompletionMessageParam {
  const blocks = blocksOf(b.content);
  if (blocks.some((x) => x.type !== 'text')) throw new LlmosError('LLMOS_EINVAL', `tool_result ${b.tool_use_id}: OpenAI tool messages take text only; send the image in a user message instead.`);
  const text = plainText(b.content);
  return { role: 'tool', tool_call_id: b.tool_use_id, content: b.is_error ? `[tool error] ${text}` : text };
}

function assistantMessage(content: Message['content']): ChatCompletionMessageParam {
  const blocks = blocksOf(content);
  const calls: ChatCompletionMessageToolCall[] = blocks
    .filter((b) => b.type === 'tool_use')
    .map((b) => ({ id: b.id, type: 'function', function: { name: b.name, arguments: JSON.stringify(b.input) } }));
  const text = plainText(content);
  return { role: 'assistant', content: text || (calls.length ? null : ''), ...(calls.length && { tool_calls: calls }) };
}

/** One core message as one or more OpenAI messages (tool results split out in order). */
function toOpenAiMessage(m: Message): ChatCompletionMessageParam[] {
  if (m.role === 'system') return [{ role: 'system', content: plainText(m.content) }];
  if (m.role === 'assistant') return [assistantMessage(m.content)];
  if (typeof m.content === 'string') {
    if (m.role === 'tool') throw new LlmosError('LLMOS_EINVAL', 'a tool message carries tool_result blocks ({type:"tool_result", tool_use_id, content}); a string names no tool call.');
    return [{ role: 'user', content: m.content }];
  }
  const results = m.content.filter((b) => b.type === 'tool_result').map(toolMessage);
  const rest = m.content.filter((b) => b.type !== 'tool_result');
  if (!rest.length) return results;
  const parts = rest.map(userPart);
  const user: ChatCompletionMessageParam = { role: 'user', content: parts.every((p) => p.type === 'text') ? (parts as ChatCompletionContentPartText[]).map((p) => p.text).join('') : parts };
  return [...results, user];
}

export const toOpenAiMessages = (messages: readonly Message[]): ChatCompletionMessageParam[] => messages.flatMap(toOpenAiMessage);

const toolChoice = (c: ToolChoice): ChatCompletionToolChoiceOption => (typeof c === 'string' ? c : { type: 'function', function: { name: c.name } });

/** The request fields of the core model that are not messages. */
export function toOpenAiExtras(r: PromptParts | CompletionRequest): Partial<ChatCompletionCreateParamsBase> {
  const f = r.response_format;
  return {
    ...(r.tools?.length && {
      tools: r.tools.map((t) => ({ type: 'function' as const, function: { name: t.name, ...(t.description && { description: t.description }), parameters: t.input_schema } })),
      ...(r.tool_choice && { tool_choice: toolChoice(r.tool_choice) }),
    }),
    ...(f?.type === 'json_object' && { response_format: { type: 'json_object' } }),
    ...(f?.type === 'json_schema' && {
      response_format: { type: 'json_schema', json_schema: { name: f.name, schema: f.schema, ...(f.description && { description: f.description }), ...(f.strict !== undefined && { strict: f.strict }) } },
    }),
  };
}

/** A tool call OpenAI returned (whole, or its streamed pieces joined) as a tool_use block. */
export function toolUseOf(model: string, call: { id?: string; name?: string; arguments?: string }): ContentBlock {
  let input: unknown;
  try {
    input = JSON.parse(call.arguments || '{}');
  } catch {
    input = undefined;
  }
  if (!call.id || !call.name || !input || typeof input !== 'object' || Array.isArray(input))
    throw new LlmosError('LLMOS_EUPSTREAM', `model ${model} returned a tool call without an id, a name or JSON-object arguments (${(call.arguments ?? '').slice(0, 120)}); retry, or use a model that calls tools reliably.`, { retryable: false });
  return { type: 'tool_use', id: call.id, name: call.name, input: input as Record<string, unknown> };
}

/** The answer as core blocks: its text, then its tool calls; undefined when it is text alone. */
export function answerBlocks(text: string, toolUses: ContentBlock[]): ContentBlock[] | undefined {
  if (!toolUses.length) return undefined;
  return [...(text ? [{ type: 'text' as const, text }] : []), ...toolUses];
}
