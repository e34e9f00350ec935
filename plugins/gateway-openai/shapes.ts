import { sseEvent as sse, type Process, type ResponseShape } from '../../src/plugin-api/index.js';
import { chatCompletion, completionId, finishOf, modelOf, seconds, toolCallsOf, usageOf } from './completion.js';

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
