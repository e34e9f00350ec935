import { toolUses, type Process } from '../../src/plugin-api/index.js';

/** OpenAI's `created` is in seconds. */
export const seconds = (ms: number) => Math.floor(ms / 1000);

export const completionId = (p: Process) => `chatcmpl-llmos-${p.pid}`;

export function usageOf(p: Process) {
  const { prompt_tokens, completion_tokens } = p.usage;
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}

/** The model's tool calls as OpenAI tool_calls (with `index`, as stream deltas carry them); empty when it called none. */
export function toolCallsOf(p: Process) {
  return toolUses(p.result?.content).map((b, index) => ({ index, id: b.id, type: 'function' as const, function: { name: b.name, arguments: JSON.stringify(b.input) } }));
}

/** The non-streaming response for an exited, successful process; tool calls come as message.tool_calls. */
export function chatCompletion(p: Process) {
  const calls = toolCallsOf(p).map(({ index: _, ...c }) => c);
  const text = p.result?.text ?? '';
  const message = { role: 'assistant' as const, content: calls.length && !text ? null : text, refusal: null, ...(calls.length && { tool_calls: calls }) };
  return {
    id: completionId(p),
    object: 'chat.completion' as const,
    created: seconds(p.created),
    model: p.model ?? p.task.model,
    choices: [{ index: 0, message, finish_reason: p.result?.finish_reason ?? 'stop', logprobs: null }],
    usage: usageOf(p),
    system_fingerprint: null,
  };
}

/** One SSE event carrying a chat.completion.chunk. */
export function chunkEvent(p: Process, delta: Record<string, unknown> | null, finishReason: string | null = null, usage?: ReturnType<typeof usageOf>): string {
  const body = {
    id: completionId(p),
    object: 'chat.completion.chunk',
    created: seconds(p.created),
    model: p.model ?? p.task.model,
    choices: delta ? [{ index: 0, delta, finish_reason: finishReason, logprobs: null }] : [],
    ...(usage && { usage }),
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}
