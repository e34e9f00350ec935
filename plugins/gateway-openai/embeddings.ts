import { LlmosError, z, type Process } from '../../src/plugin-api/index.js';
import { completionId, modelOf, usageOf } from './completion.js';

/** OpenAI's embeddings request: text input only (token-id arrays are refused), float vectors. */
const EmbeddingsSchema = z
  .object({
    model: z.string().min(1),
    input: z.union([z.string(), z.array(z.string()).min(1).max(2048)]),
    encoding_format: z.enum(['float', 'base64']).nullish(),
    dimensions: z.number().int().min(1).nullish(),
    user: z.string().nullish(),
  })
  .passthrough();
export type EmbeddingsRequest = z.infer<typeof EmbeddingsSchema>;

export function parseEmbeddingsRequest(body: unknown): EmbeddingsRequest {
  const r = EmbeddingsSchema.safeParse(body);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new LlmosError('LLMOS_EINVAL', `invalid embeddings request: ${issue?.path.join('.') || '(body)'}: ${issue?.message}. "input" is a string or an array of strings (token arrays are not supported).`, { param: String(issue?.path[0] ?? '') });
  }
  if (r.data.dimensions != null) throw new LlmosError('LLMOS_EINVAL', 'invalid embeddings request: dimensions is not supported; leave it out to get the model\'s own size.', { param: 'dimensions' });
  return r.data;
}

/** The LLMOS task of an embeddings request: a process that embeds, admitted and charged like a completion. */
export const embedTaskOf = (req: EmbeddingsRequest) => ({
  embed: typeof req.input === 'string' ? [req.input] : req.input,
  model: req.model,
  max_tokens: 1,
  metadata: { via: 'openai-gateway', ...(req.user && { user: req.user }) },
});

/** A float vector as base64 of its little-endian float32 bytes, as OpenAI sends encoding_format "base64". */
const base64Of = (v: number[]) => Buffer.from(new Float32Array(v).buffer).toString('base64');

export function embeddingsResponse(p: Process, format: EmbeddingsRequest['encoding_format']) {
  const { prompt_tokens } = usageOf([p]);
  return {
    object: 'list' as const,
    id: completionId(p, 'embd'),
    model: modelOf(p),
    data: (p.result?.embeddings ?? []).map((v, index) => ({ object: 'embedding' as const, index, embedding: format === 'base64' ? base64Of(v) : v })),
    usage: { prompt_tokens, total_tokens: prompt_tokens },
  };
}
