import type { ProcView as Process } from '../../core/process.js';
import type { TaskInput } from '../../core/task.js';

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
  /** The usage event after every choice ended, when the plan asks for it. */
  usage(ps: readonly Process[]): string;
}

/** An error as a protocol answers it: status, body and the headers that go with it (Retry-After on 429). */
export interface ErrorReply {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** A coded error as thrown (LlmosError) or recorded on a process. */
export interface CodedError {
  code: string;
  message: string;
  data?: Record<string, unknown>;
}

/** The wire protocol of a gateway (OpenAI's, Anthropic's): how it says errors and ends streams. */
export interface GatewayProtocol {
  /** A coded error as this protocol's error response. */
  error(e: CodedError): ErrorReply;
  /** A failure after a stream's headers went out, as the SSE text that ends the stream. */
  streamError(reply: ErrorReply): string;
  /** What ends a stream that succeeded (OpenAI's "data: [DONE]"); '' for nothing. */
  streamEnd: string;
}

/** What one request asks for: its task, run `n` times as sibling processes, answered whole or streamed in `shape`. */
export interface Plan {
  task: TaskInput;
  n: number;
  stream: boolean;
  includeUsage: boolean;
  shape: ResponseShape;
}

/** One SSE event; `event` names it (Anthropic's streams do, OpenAI's do not). */
export const sseEvent = (body: unknown, event?: string): string => `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(body)}\n\n`;
