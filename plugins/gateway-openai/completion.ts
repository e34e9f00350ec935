import type { Process } from '../../src/plugin-api/index.js';

/** OpenAI's `created` is in seconds. */
export const seconds = (ms: number) => Math.floor(ms / 1000);

export const completionId = (p: Process) => `chatcmpl-llmos-${p.pid}`;

export function usageOf(p: Process) {
  const { prompt_tokens, completion_tokens } = p.usage;
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}

/** The non-streaming response for an exited, successful process. */
export function chatCompletion(p: Process) {
  return {
    id: completionId(p),
    object: 'chat.completion' as const,
    created: seconds(p.created),
    model: p.model ?? p.task.model,
    choices: [{ index: 0, message: { role: 'assistant' as const, content: p.result?.text ?? '', refusal: null }, finish_reason: p.result?.finish_reason ?? 'stop', logprobs: null }],
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
