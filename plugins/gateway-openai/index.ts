import { definePlugin, StreamFlushMs, z } from '../../src/plugin-api/index.js';
import { mountOpenAiRoutes } from './routes.js';

export { mountOpenAiRoutes } from './routes.js';

/**
 * The OpenAI-compatible endpoint on the HTTP transport: POST /v1/chat/completions
 * (streaming and not) and GET /v1/models, behind the same bearer token as /mcp.
 */
export default definePlugin({
  name: 'gateway-openai',
  version: '1.0.0',
  apiVersion: '^1.0.0',
  description: 'OpenAI-compatible /v1/chat/completions and /v1/models on the HTTP transport; every request is a process.',
  provides: ['transport'],
  options: z.object({
    owner: z.string().min(1).default('openai-gateway').describe('Owner of the processes gateway requests spawn; a named user\'s requests (LLMOS_AUTH_TOKENS) are owned by user:<name> instead.'),
    stream_flush_ms: StreamFlushMs,
  }),
  register(scope, o) {
    scope.http((app) => mountOpenAiRoutes(app, scope.kernel, o));
  },
});
