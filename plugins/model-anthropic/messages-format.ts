import type Anthropic from '@anthropic-ai/sdk';
import { blocksOf, LlmosError, plainText, type Completion, type ContentBlock, type CompletionRequest, type Message, type PromptParts, type ToolChoice } from '../../src/plugin-api/index.js';

type Param = { role: 'user' | 'assistant'; content: string | BlockParam[] };
type BlockParam = Anthropic.Messages.ContentBlockParam;

/**
 * The core message model (plugin-api message.ts) as Anthropic's Messages
 * request and back. System messages become `system`; a tool message's
 * tool_result blocks go in a user message, as Anthropic wants them;
 * consecutive messages of one role are merged (Anthropic alternates roles).
 */
function blockParam(b: ContentBlock): BlockParam {
  switch (b.type) {
    case 'text':
      return { type: 'text', text: b.text };
    case 'image':
      return b.source.type === 'url' ? { type: 'image', source: { type: 'url', url: b.source.url } } : { type: 'image', source: { type: 'base64', media_type: b.source.media_type as 'image/png', data: b.source.data } };
    case 'tool_use':
      return { type: 'tool_use', id: b.id, name: b.name, input: b.input };
    case 'tool_result':
      return { type: 'tool_result', tool_use_id: b.tool_use_id, content: typeof b.content === 'string' ? b.content : b.content.map((c) => blockParam(c) as Anthropic.Messages.TextBlockParam), ...(b.is_error && { is_error: true }) };
  }
}

function append(out: Param[], role: Param['role'], content: Message['content']): void {
  const prev = out.at(-1);
  if (prev?.role !== role) return void out.push({ role, content: typeof content === 'string' ? content : content.map(blockParam) });
  const before: BlockParam[] = typeof prev.content === 'string' ? [{ type: 'text', text: prev.content }] : prev.content;
  prev.content = [...before, ...blocksOf(content).map(blockParam)];
}

/** The messages and system prompt of a request. */
export function toAnthropicMessages(messages: readonly Message[]): { system?: string; messages: Param[] } {
  const system = messages.filter((m) => m.role === 'system').map((m) => plainText(m.content));
  const out: Param[] = [];
  for (const m of messages) if (m.role !== 'system') append(out, m.role === 'assistant' ? 'assistant' : 'user', m.content);
  return { ...(system.length && { system: system.join('\n') }), messages: out };
}

const CHOICE: Record<string, Anthropic.Messages.ToolChoice> = { auto: { type: 'auto' }, required: { type: 'any' }, none: { type: 'none' } };
const toolChoice = (c: ToolChoice): Anthropic.Messages.ToolChoice => (typeof c === 'string' ? CHOICE[c] : { type: 'tool', name: c.name });

/** The prompt of a request (what count_tokens takes): messages, system, tools, tool choice. */
export function toAnthropicPrompt(r: PromptParts) {
  return {
    ...toAnthropicMessages(r.messages),
    ...(r.tools?.length && {
      tools: r.tools.map((t) => ({ name: t.name, ...(t.description && { description: t.description }), input_schema: t.input_schema as Anthropic.Messages.Tool.InputSchema })),
      ...(r.tool_choice && { tool_choice: toolChoice(r.tool_choice) }),
    }),
  };
}

/** Refuses what the Messages API cannot honour, naming what to change (the contract of CompletionRequest: never dropped silently). */
export function checkHonoured(model: string, r: CompletionRequest): void {
  const bad = [r.response_format && 'response_format', r.seed !== undefined && 'seed', r.presence_penalty !== undefined && 'presence_penalty', r.frequency_penalty !== undefined && 'frequency_penalty', r.logprobs && 'logprobs', (r.temperature ?? 0) > 1 && 'temperature above 1'].filter(Boolean);
  if (bad.length) throw new LlmosError('LLMOS_EINVAL', `model ${model} speaks Anthropic's Messages API, which has no ${bad.join(', ')}; leave ${bad.length > 1 ? 'them' : 'it'} out, or use another model.`);
}

/** Anthropic's stop_reason as the core finish reason; a stop sequence is named when the upstream gave it. */
export function finishOf(stopReason: string | null | undefined, stopSequence: string | null | undefined): Pick<Completion, 'finish_reason' | 'stop_sequence'> {
  if (stopSequence) return { finish_reason: 'stop', stop_sequence: stopSequence }; // llama.cpp says end_turn with the sequence set
  if (stopReason === 'max_tokens' || stopReason === 'model_context_window_exceeded') return { finish_reason: 'length' };
  if (stopReason === 'tool_use') return { finish_reason: 'tool_calls' };
  if (stopReason === 'refusal') return { finish_reason: 'content_filter' };
  return { finish_reason: 'stop' };
}

/** The answer's blocks: text and tool_use (thinking and server-tool blocks are not the caller's to run); undefined when it is text alone. */
export function answerOf(blocks: ReadonlyArray<{ type: string; text?: string; id?: string; name?: string; input?: unknown }>): { text: string; content?: ContentBlock[] } {
  const content: ContentBlock[] = [];
  for (const b of blocks) {
    if (b.type === 'text') content.push({ type: 'text', text: b.text ?? '' });
    else if (b.type === 'tool_use') content.push({ type: 'tool_use', id: String(b.id), name: String(b.name), input: (b.input ?? {}) as Record<string, unknown> });
  }
  const text = plainText(content);
  return { text, ...(content.some((b) => b.type === 'tool_use') && { content }) };
}
