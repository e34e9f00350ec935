import { sseEvent as sse, type Process, type ResponseShape } from '../../src/plugin-api/index.js';
import { chatCompletion, completionId, finishOf, modelOf, seconds, toolCallsOf, usageOf } from './completion.js';

export const chatChunk = (ps: readonly Process[], i: number, delta: Record<string, unknown> | null, finish: string | null = null, usage?: ReturnType<typeof usageOf>, logprobs: unknown = null) => {
  const chunk: Record<string, unknown> = {
    id: completionId(ps[0]),
    object: 'chat.completion.chunk',
    created: seconds(ps[0].created),
    model: modelOf(ps[i]),
    choices: delta ? [{ index: i, delta, finish_reason: finish, logprobs }] : [],
  };
  if (usage) chunk.usage = usage;
  return sse(chunk);
};

/**
 * chatChunk(ps, i, { content: text }), byte for byte: the event sent for
 * every streamed token, so it is written around the one JSON-escaped piece
 * instead of building and serializing the whole chunk.
 */
export const textChunk = (ps: readonly Process[], i: number, text: string) =>
  `data: {"id":${JSON.stringify(completionId(ps[0]))},"object":"chat.completion.chunk","created":${seconds(ps[0].created)},"model":${JSON.stringify(modelOf(ps[i]))},"choices":[{"index":${i},"delta":{"content":${JSON.stringify(text)}},"finish_reason":null,"logprobs":null}]}\n\n`;

/** chat.completion and chat.completion.chunk; `legacyFunctions` answers a `functions` request with function_call. */
export function chatShape(legacyFunctions: boolean): ResponseShape {
  return {
    whole: (ps) => chatCompletion(ps, legacyFunctions),
    opening: (ps, i) => chatChunk(ps, i, { role: 'assistant', content: '' }),
    text: textChunk,
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
