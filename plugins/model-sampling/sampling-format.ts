import type { CreateMessageRequest, SamplingMessage, SamplingMessageContentBlock, Tool, ToolChoice as McpToolChoice } from '@modelcontextprotocol/sdk/types.js';
import { blocksOf, contentText, LlmosError, type ContentBlock, type CompletionRequest, type Message, type ResponseFormat, type ToolChoice } from '../../src/plugin-api/index.js';

/**
 * The core message model (plugin-api message.ts) as MCP sampling and back.
 * System messages become systemPrompt; a tool message is a user turn of
 * tool_result blocks (as MCP wants them). MCP images are base64 only; a
 * named tool_choice becomes mode "required" with only that tool offered.
 */

const invalid = (model: string, what: string) => new LlmosError('LLMOS_EINVAL', `model ${model} (MCP sampling): ${what}`);

function mcpBlock(b: ContentBlock, model: string): SamplingMessageContentBlock {
  switch (b.type) {
    case 'text':
      return { type: 'text', text: b.text };
    case 'image':
      if (b.source.type !== 'base64') throw invalid(model, 'MCP sampling takes images as base64 data only; send {source:{type:"base64", media_type, data}}.');
      return { type: 'image', data: b.source.data, mimeType: b.source.media_type };
    case 'tool_use':
      return { type: 'tool_use', id: b.id, name: b.name, input: b.input };
    case 'tool_result':
      return {
        type: 'tool_result',
        toolUseId: b.tool_use_id,
        content: blocksOf(b.content).map((x) => mcpBlock(x, model)) as Extract<SamplingMessageContentBlock, { type: 'tool_result' }>['content'],
        ...(b.is_error !== undefined && { isError: b.is_error }),
      };
  }
}

/** The non-system messages as MCP sampling messages. */
export function toSamplingMessages(messages: readonly Message[], model: string): SamplingMessage[] {
  return messages
    .filter((m) => m.role !== 'system')
    .map((m) => {
      const role = m.role === 'assistant' ? 'assistant' : 'user';
      if (typeof m.content === 'string') return { role, content: { type: 'text', text: m.content } };
      const blocks = m.content.map((b) => mcpBlock(b, model));
      return { role, content: blocks.length === 1 ? blocks[0] : blocks };
    });
}

/** What a structured-output request asks of a model that has no JSON mode: said in the system prompt. */
function formatInstruction(f: ResponseFormat): string {
  if (f.type === 'json_object') return 'Answer with one JSON object and nothing else.';
  return `Answer with one JSON value and nothing else, matching this JSON schema (${f.name}): ${JSON.stringify(f.schema)}`;
}

/** The system prompt: the system messages' text, then what a response_format asks for. */
export function systemPrompt(r: CompletionRequest): string | undefined {
  const parts = r.messages.filter((m) => m.role === 'system').map((m) => contentText(m.content));
  if (r.response_format) parts.push(formatInstruction(r.response_format));
  return parts.length ? parts.join('\n\n') : undefined;
}

/** tools and toolChoice for createMessage; empty when the request offers no tools. */
export function samplingTools(r: CompletionRequest): Pick<CreateMessageRequest['params'], 'tools' | 'toolChoice'> {
  if (!r.tools?.length) return {};
  const choice: ToolChoice = r.tool_choice ?? 'auto';
  const named = typeof choice === 'object' ? choice.name : undefined;
  const offered = named ? r.tools.filter((t) => t.name === named) : r.tools;
  const tools: Tool[] = offered.map((t) => ({ name: t.name, ...(t.description && { description: t.description }), inputSchema: { type: 'object', ...t.input_schema } }));
  const toolChoice: McpToolChoice = { mode: named ? 'required' : (choice as 'auto' | 'none' | 'required') };
  return { tools, toolChoice };
}

/** The client's answer as core blocks (text, image, tool_use); other MCP content is refused. */
export function fromSamplingContent(content: SamplingMessageContentBlock | SamplingMessageContentBlock[], model: string): ContentBlock[] {
  return (Array.isArray(content) ? content : [content]).map((c): ContentBlock => {
    if (c.type === 'text') return { type: 'text', text: c.text };
    if (c.type === 'image') return { type: 'image', source: { type: 'base64', media_type: c.mimeType, data: c.data } };
    if (c.type === 'tool_use') return { type: 'tool_use', id: c.id, name: c.name, input: c.input };
    throw new LlmosError('LLMOS_EUPSTREAM', `model ${model}: the client answered with ${c.type} content, which LLMOS does not take; ask for a text answer or use another model.`, { retryable: false });
  });
}
