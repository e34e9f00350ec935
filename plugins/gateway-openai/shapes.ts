import type { Process, TaskInput } from '../../src/plugin-api/index.js';
import { chatCompletion, completionId, finishOf, modelOf, seconds, sse, toolCallsOf, usageOf } from './completion.js';

/**
 * How one endpoint writes its answers: the whole response of sibling
 * processes, and the SSE events of a stream (choice `i` is sibling i).
 */
export interface ResponseShape {
  whole(ps: readonly Process[]): unknown;
  /** The first event of choice i, once its process runs (its model is known); '' for none. */
  opening(ps: readonly Process[], i: number): string;
  text(ps: readonly Process[], i: number, text: string): string;
  /** The events that end choice i: text not streamed yet (`rest`), tool calls, the finish reason. */
  closing(ps: readonly Process[], i: number, rest: string): string;
  usage(ps: readonly Process[]): string;
}

/** What one request asks for: its task, run `n` times as sibling processes, answered whole or streamed in `shape`. */
export interface Plan {
  task: TaskInput;
  n: number;
  stream: boolean;
  includeUsage: boolean;
  shape: ResponseShape;
}

const chatChunk = (ps: readonly Process[], i: number, delta: Record<string, unknown> | null, finish: string | null = null, usage?: ReturnType<typeof usageOf>, logprobs: unknown = null) =>
  sse({
    id: completionId(ps[0]),
    object: 'chat.completion.chunk',
    created: seconds(ps[0].created),
    model: modelOf(ps[i]),
    choices: delta ? [{ index: i, delta, finish_reason: finish, logprobs }] : [],
    ...(usage && { usage }),
  });

/** chat.completion and chat.completion.chunk; `legacyFunctions` answers a `functions` request with function_call. */
export function chatShape(legacyFunctions: boolean): ResponseShape {
  return {
    whole: (ps) => chatCompletion(ps, legacyFunctions),
    opening: (ps, i) => chatChunk(ps, i, { role: 'assistant', content: '' }),
    text: (ps, i, text) => chatChunk(ps, i, { content: text }),
    closing(ps, i, rest) {
      const p = ps[i];
      let out = rest ? chatChunk(ps, i, { content: rest }) : '';
      const calls = toolCallsOf(p);
      if (calls.length && legacyFunctions) out += chatChunk(ps, i, { function_call: calls[0].function });
      else if (calls.length) out += chatChunk(ps, i, { tool_calls: calls });
      // Token logprobs reach the gateway with the result, so the finish chunk carries them all (clients concatenate chunks' logprobs).
      return out + chatChunk(ps, i, {}, finishOf(p, legacyFunctions), undefined, p.result?.logprobs ?? null);
    },
    usage: (ps) => chatChunk(ps, 0, null, null, usageOf(ps)),
  };
}

const textBody = (ps: readonly Process[], i: number, choices: unknown[]) => ({
  id: completionId(ps[0], 'cmpl'),
  object: 'text_completion',
  created: seconds(ps[0].created),
  model: modelOf(ps[i]),
  choices,
});

/** The legacy text_completion of /v1/completions. */
export const textShape: ResponseShape = {
  whole: (ps) => ({
    ...textBody(ps, 0, ps.map((p, index) => ({ index, text: p.result?.text ?? '', finish_reason: finishOf(p), logprobs: null }))),
    usage: usageOf(ps),
  }),
  opening: () => '',
  text: (ps, i, text) => sse(textBody(ps, i, [{ index: i, text, finish_reason: null, logprobs: null }])),
  closing: (ps, i, rest) => sse(textBody(ps, i, [{ index: i, text: rest, finish_reason: finishOf(ps[i]), logprobs: null }])),
  usage: (ps) => sse({ ...textBody(ps, 0, []), usage: usageOf(ps) }),
};
