import { sseEvent, toolUses, type Process, type ResponseShape } from '../../src/plugin-api/index.js';

/** One request's id: its process's pid. */
export const messageId = (p: Process) => `msg_llmos_${p.pid}`;

/** The model that ran the process: the allocator's choice for "auto". */
const modelOf = (p: Process) => p.model ?? p.task.model;

/**
 * The core finish reason as Anthropic's stop_reason: length is max_tokens,
 * tool_calls is tool_use, a stop the backend tied to one of the request's
 * stop sequences is stop_sequence, any other stop is end_turn.
 */
export function stopOf(p: Process): { stop_reason: string; stop_sequence: string | null } {
  const r = p.result;
  if (r?.finish_reason === 'length') return { stop_reason: 'max_tokens', stop_sequence: null };
  if (r?.finish_reason === 'tool_calls' || toolUses(r?.content).length) return { stop_reason: 'tool_use', stop_sequence: null };
  if (r?.finish_reason === 'content_filter') return { stop_reason: 'refusal', stop_sequence: null };
  if (r?.stop_sequence !== undefined) return { stop_reason: 'stop_sequence', stop_sequence: r.stop_sequence };
  return { stop_reason: 'end_turn', stop_sequence: null };
}

export const usageOf = (p: Process) => ({ input_tokens: p.usage.prompt_tokens, output_tokens: p.usage.completion_tokens });

/** The answer's blocks: its text (omitted when empty beside tool calls), then its tool calls. */
function contentOf(p: Process) {
  const uses = toolUses(p.result?.content).map((b) => ({ type: 'tool_use' as const, id: b.id, name: b.name, input: b.input }));
  const text = p.result?.text ?? '';
  return [...(text || !uses.length ? [{ type: 'text' as const, text }] : []), ...uses];
}

/** The non-streaming Message of an exited, successful process. */
export const wholeMessage = (p: Process) => ({ id: messageId(p), type: 'message' as const, role: 'assistant' as const, model: modelOf(p), content: contentOf(p), ...stopOf(p), usage: usageOf(p) });

/**
 * Anthropic's stream for one process, in its exact order: message_start,
 * ping, then each content block as content_block_start, its deltas
 * (text_delta; one input_json_delta for a tool_use) and content_block_stop,
 * indices counting from 0; then message_delta with stop_reason and usage,
 * and message_stop. The text block opens at the first token (or at the end,
 * for an answer that streamed none); tool calls follow it as the model
 * ends. One shape per request: it remembers which blocks it opened.
 */
export function messageStreamShape(): ResponseShape {
  let textOpen = false;
  let next = 0;
  const startText = () => (textOpen ? '' : ((textOpen = true), sseEvent({ type: 'content_block_start', index: next, content_block: { type: 'text', text: '' } }, 'content_block_start')));
  const textDelta = (text: string) => startText() + sseEvent({ type: 'content_block_delta', index: next, delta: { type: 'text_delta', text } }, 'content_block_delta');
  const stopBlock = () => sseEvent({ type: 'content_block_stop', index: next++ }, 'content_block_stop');
  const toolBlock = (b: { id: string; name: string; input: Record<string, unknown> }) =>
    sseEvent({ type: 'content_block_start', index: next, content_block: { type: 'tool_use', id: b.id, name: b.name, input: {} } }, 'content_block_start') +
    sseEvent({ type: 'content_block_delta', index: next, delta: { type: 'input_json_delta', partial_json: JSON.stringify(b.input) } }, 'content_block_delta') +
    stopBlock();
  return {
    whole: (ps) => wholeMessage(ps[0]),
    opening: (ps) => {
      const p = ps[0];
      const message = { id: messageId(p), type: 'message', role: 'assistant', model: modelOf(p), content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: p.usage.prompt_tokens, output_tokens: 0 } };
      return sseEvent({ type: 'message_start', message }, 'message_start') + sseEvent({ type: 'ping' }, 'ping');
    },
    text: (_ps, _i, text) => textDelta(text),
    closing(ps, _i, rest) {
      const p = ps[0];
      const uses = toolUses(p.result?.content);
      let out = rest ? textDelta(rest) : !textOpen && !uses.length ? startText() : '';
      if (textOpen) out += stopBlock();
      for (const b of uses) out += toolBlock(b);
      out += sseEvent({ type: 'message_delta', delta: stopOf(p), usage: usageOf(p) }, 'message_delta');
      return out + sseEvent({ type: 'message_stop' }, 'message_stop');
    },
    usage: () => '',
  };
}
