import type { Attributes } from '@opentelemetry/api';
import type { ProcView } from '../../src/plugin-api/index.js';

/**
 * OpenTelemetry GenAI semantic-convention attribute names (copied, as the
 * conventions advise for names still "development"), and LLMOS's own under llmos.*.
 */
export const GEN_AI = {
  operation: 'gen_ai.operation.name',
  provider: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  maxTokens: 'gen_ai.request.max_tokens',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  finishReasons: 'gen_ai.response.finish_reasons',
  timeToFirstChunk: 'gen_ai.response.time_to_first_chunk',
} as const;
export const ERROR_TYPE = 'error.type';

/** What a process span says about its process when it starts. */
export function processStartAttributes(p: ProcView): Attributes {
  return {
    'llmos.pid': p.pid,
    'llmos.ppid': p.ppid,
    'llmos.owner': p.owner,
    'llmos.kind': p.kind,
    'llmos.priority': p.priority,
    [GEN_AI.operation]: p.kind === 'group' ? 'invoke_agent' : p.task.embed ? 'embeddings' : 'chat',
    [GEN_AI.requestModel]: p.task.model,
    [GEN_AI.maxTokens]: p.task.max_tokens,
    ...(p.task.type && { 'llmos.task.type': p.task.type }),
  };
}

/** What it says once the process exited: model, usage, cost, exit status. */
export function processExitAttributes(p: ProcView): Attributes {
  return {
    'llmos.exit': p.exit ?? 'unknown',
    'llmos.attempts': p.attempts.length,
    'llmos.cost_usd': p.usage.cost_usd,
    [GEN_AI.inputTokens]: p.usage.prompt_tokens,
    [GEN_AI.outputTokens]: p.usage.completion_tokens,
    ...(p.model && { [GEN_AI.responseModel]: p.model }),
    ...(p.result && { [GEN_AI.finishReasons]: [p.result.finish_reason] }),
    ...(p.error && { [ERROR_TYPE]: p.error.code }),
  };
}
