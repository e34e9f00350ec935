import { randomBytes } from 'node:crypto';
import type { ChatHistoryItem, ChatModelFunctions, LlamaChatResponseFunctionCall } from 'node-llama-cpp';
import { LlmosError, type CompletionRequest, type ContentBlock, type ToolDefinition } from '../../src/plugin-api/index.js';

/**
 * Tool calling on an in-process model, in two ways:
 *  - tool_choice "auto": node-llama-cpp's function calling (the model decides,
 *    and a call's parameters are grammar-constrained to the tool's schema);
 *  - "required" or a named tool: the whole answer is grammar-constrained to
 *    {"name": <tool>, "arguments": <its input>}, so it is always a valid call.
 * "none" (or no tools) is a plain text answer.
 */
export type ToolMode = { kind: 'text' } | { kind: 'auto'; functions: ChatModelFunctions } | { kind: 'forced'; tools: ToolDefinition[] };

export function toolModeOf(request: Pick<CompletionRequest, 'tools' | 'tool_choice'>): ToolMode {
  const tools = request.tools ?? [];
  const choice = request.tool_choice ?? 'auto';
  if (!tools.length || choice === 'none') return { kind: 'text' };
  if (choice === 'auto') return { kind: 'auto', functions: Object.fromEntries(tools.map((t) => [t.name, { description: t.description, params: t.input_schema as never }])) };
  if (choice === 'required') return { kind: 'forced', tools };
  const named = tools.find((t) => t.name === choice.name);
  if (!named) throw new LlmosError('LLMOS_EINVAL', `tool_choice names "${choice.name}", which is not among the tools; name one of: ${tools.map((t) => t.name).join(', ')}.`, { param: 'tool_choice' });
  return { kind: 'forced', tools: [named] };
}

const callSchema = (t: ToolDefinition) => ({
  type: 'object',
  properties: { name: { const: t.name }, arguments: t.input_schema },
  required: ['name', 'arguments'],
  additionalProperties: false,
});

/** The JSON schema a forced answer is constrained to: one call of one of the tools. */
export const forcedCallSchema = (tools: readonly ToolDefinition[]): Record<string, unknown> => (tools.length === 1 ? callSchema(tools[0]) : { oneOf: tools.map(callSchema) });

/** The instruction a forced answer follows, as a system turn before the conversation. */
export function forcedCallPrompt(tools: readonly ToolDefinition[]): ChatHistoryItem {
  const list = tools.map((t) => `- ${t.name}: ${t.description ?? ''} Parameters (JSON schema): ${JSON.stringify(t.input_schema)}`).join('\n');
  return { type: 'system', text: `Call ${tools.length === 1 ? 'this tool' : 'one of these tools'} by answering with JSON {"name": <tool name>, "arguments": <its parameters>}:\n${list}` };
}

export const toolCallId = () => `call_${randomBytes(12).toString('base64url')}`;

/** A forced answer (grammar-constrained JSON) as its tool_use block. */
export function forcedCallOf(model: string, text: string): ContentBlock {
  let call: { name?: unknown; arguments?: unknown };
  try {
    call = JSON.parse(text) as typeof call;
  } catch {
    throw new LlmosError('LLMOS_EUPSTREAM', `model ${model} stopped before finishing its tool call (${text.slice(0, 80)}…); raise max_tokens.`, { retryable: false });
  }
  return { type: 'tool_use', id: toolCallId(), name: String(call.name), input: (call.arguments ?? {}) as Record<string, unknown> };
}

/** node-llama-cpp's function calls as tool_use blocks. */
export const autoCallsOf = (calls: readonly LlamaChatResponseFunctionCall<ChatModelFunctions>[] | undefined): ContentBlock[] =>
  (calls ?? []).map((c) => ({ type: 'tool_use', id: toolCallId(), name: c.functionName, input: (c.params ?? {}) as Record<string, unknown> }));
