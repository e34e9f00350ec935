/**
 * The plumbing every HTTP gateway (OpenAI's, Anthropic's wire protocol)
 * shares: a request is sibling processes spawned through proc_spawn,
 * answered whole or streamed as SSE in the gateway's shape and protocol.
 */
export { BatchedWrites, DEFAULT_STREAM_FLUSH_MS, StreamFlushMs } from './batched-writes.js';
export { exitErrorOf, sendError, sendJson } from './http-out.js';
export { sseEvent, type CodedError, type ErrorReply, type GatewayProtocol, type Plan, type ResponseShape } from './plan.js';
export { killLive, serveAsProcesses } from './serve.js';
export { httpStatusOf } from './status.js';
export { streamTo } from './stream.js';
