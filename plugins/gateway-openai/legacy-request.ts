import { LlmosError, z } from '../../src/plugin-api/index.js';
import { MAX_N, parseChatRequest, type ChatRequest } from './chat-request.js';

/** The part of OpenAI's legacy completions request LLMOS honours: one prompt, run as a chat turn. */
const CompletionsSchema = z
  .object({
    model: z.string().min(1),
    prompt: z.union([z.string(), z.array(z.string()).length(1)]),
    suffix: z.null().optional(),
    echo: z.literal(false).nullish(),
    best_of: z.literal(1).nullish(),
    n: z.number().int().min(1).max(MAX_N).nullish(),
  })
  .passthrough();

/**
 * A /v1/completions body as the chat request it runs: the prompt is one
 * user message; sampling fields, n, stream and user carry over. suffix,
 * echo and best_of > 1 are refused (400), never ignored.
 */
export function chatOfCompletions(body: unknown): ChatRequest {
  const r = CompletionsSchema.safeParse(body);
  if (!r.success) {
    const issue = r.error.issues[0];
    const field = String(issue?.path[0] ?? '(body)');
    const why = ['suffix', 'echo', 'best_of'].includes(field) ? `${field} is not supported; leave it out` : `${field}: ${issue?.message}`;
    throw new LlmosError('LLMOS_EINVAL', `invalid completions request: ${why}. A prompt must be one string (send one request per prompt).`, { param: field });
  }
  const { prompt, suffix: _s, echo: _e, best_of: _b, ...rest } = r.data;
  return parseChatRequest({ ...rest, messages: [{ role: 'user', content: typeof prompt === 'string' ? prompt : prompt[0] }] });
}
