import { join } from 'node:path';
import { readPluginConfig } from '../../../src/loader/config.js';
import { packageRoot } from '../../../src/loader/resolve.js';
import { EchoBackend, echoPlugin } from '../../fixtures/echo-backend.js';
import { testKernel } from '../../helpers/kernel.js';

/** model-openai without a reachable upstream: registered endpoints may only be loopback, where nothing answers on port 9. */
const OFFLINE_OPENAI = { base_url: 'http://127.0.0.1:9/v1', probe_on_start: false, egress: { allow: ['127.0.0.1', '::1', 'localhost'], deny: [] } };

/** model-llamacpp loads SmolLM2 when it is cached: a real model is seconds a call, and the fuzzers need none. */
const OFF = new Set(['model-llamacpp']);

/**
 * The kernel the fuzzers attack: every plugin the repo's llmos.plugins.json
 * enables but the local model, with its options (model-openai kept offline), plus two echo
 * models, so no real model is needed and every syscall the product lists is
 * there. Every owner is an admin, so the admin syscalls are reached too.
 */
export async function fuzzKernel() {
  const config = readPluginConfig(join(packageRoot, 'llmos.plugins.json'));
  const plugins = config.plugins.filter((p) => !OFF.has(p.name)).map((p) => (p.name === 'model-openai' ? { ...p, options: { ...p.options, ...OFFLINE_OPENAI } } : p));
  return testKernel({ config: { ...config, plugins }, inline: [echoPlugin([new EchoBackend('echo'), new EchoBackend('echo-2')])] });
}
