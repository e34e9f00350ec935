import { LlmosError, sendError, sendJson, serveAsProcesses, type HttpRouter, type KernelApi, type ModelView, type Plan, type ResponseShape } from '../../src/plugin-api/index.js';
import { parseChatRequest, taskOf, usesLegacyFunctions, type ChatRequest } from './chat-request.js';
import { seconds } from './completion.js';
import { embeddingsResponse, embedTaskOf, parseEmbeddingsRequest } from './embeddings.js';
import { chatOfCompletions } from './legacy-request.js';
import { openAiProtocol, openAiRefusal } from './openai-errors.js';
import { chatShape, textShape } from './shapes.js';

export interface GatewayOptions {
  /** Owner of the processes the gateway spawns (budgets, proc_list owner filter). */
  owner: string;
  /** How long streamed token events may wait to share a socket write (0: every event at once). */
  stream_flush_ms?: number;
}

/** The endpoints this gateway serves, for 404s that say what there is. */
export const ENDPOINTS = ['GET /v1/models', 'GET /v1/models/{id}', 'POST /v1/chat/completions', 'POST /v1/completions', 'POST /v1/embeddings'];

const planOf = (req: ChatRequest, shape: ResponseShape): Plan => ({
  task: taskOf(req),
  n: req.n ?? 1,
  stream: req.stream === true,
  includeUsage: req.stream_options?.include_usage === true,
  shape,
});

const noStream: Omit<ResponseShape, 'whole'> = { opening: () => '', text: () => '', closing: () => '', usage: () => '' };

function modelsRoutes(app: HttpRouter, kernel: KernelApi): void {
  // A session's private model (its client's own, through MCP sampling) is not the gateway's to offer.
  const entry = (m: ModelView) => ({ id: m.info.id, object: 'model', created: seconds(kernel.started), owned_by: m.info.backend });
  const auto = () => ({ id: 'auto', object: 'model', created: seconds(kernel.started), owned_by: 'llmos' });
  app.get('/v1/models', (_req, res) => sendJson(res, 200, { object: 'list', data: [auto(), ...kernel.models().filter((m) => !m.info.owner).map(entry)] }));
  app.get('/v1/models/*', (req, res) => {
    const id = req.params?.id ?? '';
    if (id === 'auto') return sendJson(res, 200, auto());
    const m = kernel.model(id);
    if (m && !m.info.owner) return sendJson(res, 200, entry(m));
    sendError(res, openAiProtocol, new LlmosError('LLMOS_ENOMODEL', `no model "${id.slice(0, 200)}"; list the models this gateway serves with GET /v1/models.`, { param: 'model' }));
  });
}

/**
 * The OpenAI-compatible endpoints. Every completion and every embedding is
 * an LLMOS process (proc_spawn): model "auto" goes through the allocator
 * and the scheduler, a model id runs on that model; n > 1 are sibling
 * processes. /v1 is claimed: every error there is OpenAI-shaped.
 */
export function mountOpenAiRoutes(app: HttpRouter, kernel: KernelApi, opts: GatewayOptions = { owner: 'openai-gateway' }): void {
  app.claim('/v1', openAiRefusal);
  modelsRoutes(app, kernel);
  app.post('/v1/chat/completions', (req, res) =>
    serveAsProcesses(kernel, req, res, opts.owner, openAiProtocol, (body) => {
      const chat = parseChatRequest(body);
      return planOf(chat, chatShape(usesLegacyFunctions(chat)));
    }, opts.stream_flush_ms),
  );
  app.post('/v1/completions', (req, res) => serveAsProcesses(kernel, req, res, opts.owner, openAiProtocol, (body) => planOf(chatOfCompletions(body), textShape), opts.stream_flush_ms));
  app.post('/v1/embeddings', (req, res) =>
    serveAsProcesses(kernel, req, res, opts.owner, openAiProtocol, (body) => {
      const e = parseEmbeddingsRequest(body);
      return { task: embedTaskOf(e), n: 1, stream: false, includeUsage: false, shape: { ...noStream, whole: (ps) => embeddingsResponse(ps[0], e.encoding_format) } };
    }),
  );
  app.post('/v1/responses', (_req, res) =>
    sendJson(res, 501, { error: { message: `the Responses API is not supported by this gateway; use POST /v1/chat/completions. Supported: ${ENDPOINTS.join(', ')}.`, type: 'invalid_request_error', param: null, code: 'LLMOS_ENOSYS' } }),
  );
}
