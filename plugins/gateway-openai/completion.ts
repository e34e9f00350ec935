import { toolUses, type Process } from '../../src/plugin-api/index.js';

/** OpenAI's `created` is in seconds. */
export const seconds = (ms: number) => Math.floor(ms / 1000);

/** One request's id: its first process's pid (n > 1 siblings share it). */
export const completionId = (p: Process, prefix = 'chatcmpl') => `${prefix}-llmos-${p.pid}`;

/** The model that ran the process: the allocator's choice for "auto". */
export const modelOf = (p: Process) => p.model ?? p.task.model;

export function usageOf(ps: readonly Process[]) {
  let prompt_tokens = 0;
  let completion_tokens = 0;
  for (const p of ps) (prompt_tokens += p.usage.prompt_tokens), (completion_tokens += p.usage.completion_tokens);
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}

/** The model's tool calls as OpenAI tool_calls (with `index`, as stream deltas carry them); empty when it called none. */
export function toolCallsOf(p: Process) {
  return toolUses(p.result?.content).map((b, index) => ({ index, id: b.id, type: 'function' as const, function: { name: b.name, arguments: JSON.stringify(b.input) } }));
}

/** The assistant message of one choice; tool calls as message.tool_calls, or as message.function_call for a legacy `functions` request. */
function messageOf(p: Process, legacyFunctions: boolean) {
  const calls = toolCallsOf(p).map(({ index: _, ...c }) => c);
  const text = p.result?.text ?? '';
  const content = calls.length && !text ? null : text;
  if (legacyFunctions && calls.length) return { role: 'assistant' as const, content, refusal: null, function_call: calls[0].function };
  return { role: 'assistant' as const, content, refusal: null, ...(calls.length && { tool_calls: calls }) };
}

/** The finish reason; a legacy `functions` request gets "function_call" where tools would get "tool_calls". */
export const finishOf = (p: Process, legacyFunctions = false) => {
  const f = p.result?.finish_reason ?? 'stop';
  return legacyFunctions && f === 'tool_calls' ? 'function_call' : f;
};

/** The non-streaming response for exited, successful sibling processes: one choice each. */
export function chatCompletion(ps: readonly Process[], legacyFunctions = false) {
  return {
    id: completionId(ps[0]),
    object: 'chat.completion' as const,
    created: seconds(ps[0].created),
    model: modelOf(ps[0]),
    choices: ps.map((p, index) => ({ index, message: messageOf(p, legacyFunctions), finish_reason: finishOf(p, legacyFunctions), logprobs: p.result?.logprobs ?? null })),
    usage: usageOf(ps),
    system_fingerprint: null,
  };
}
