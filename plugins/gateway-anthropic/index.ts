import { definePlugin, StreamFlushMs, z } from '../../src/plugin-api/index.js';
import { mountAnthropicRoutes } from './routes.js';

export { mountAnthropicRoutes, modelFor, type AnthropicGatewayOptions } from './routes.js';

/**
 * Anthropic's Messages API on the HTTP transport: POST /v1/messages
 * (streaming and not) and /v1/messages/count_tokens, behind the same token
 * as /mcp and /v1 (as a bearer token or x-api-key). For Claude Code and the
 * Anthropic SDKs through ANTHROPIC_BASE_URL.
 */
export default definePlugin({
  name: 'gateway-anthropic',
  version: '1.0.0',
  apiVersion: '^1.0.0',
  description: 'Anthropic Messages API (/v1/messages, count_tokens) on the HTTP transport; every message is a process.',
  provides: ['transport'],
  options: z.object({
    owner: z.string().min(1).default('anthropic-gateway').describe("Owner of the processes gateway requests spawn; a named user's requests (LLMOS_AUTH_TOKENS) are owned by user:<name> instead."),
    models: z.record(z.string().min(1), z.string().min(1)).default({}).describe('Anthropic model names (e.g. "claude-sonnet-4-5") mapped to LLMOS model ids or "auto".'),
    default_model: z.string().min(1).optional().describe('Where any other model name goes ("auto" or a model id); unset, unknown names get not_found_error.'),
    stream_flush_ms: StreamFlushMs,
  }),
  register(scope, o) {
    scope.http((app) => mountAnthropicRoutes(app, scope.kernel, o));
  },
});
