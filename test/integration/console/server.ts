import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import OpenAI from 'openai';
import { boot } from '../../../src/boot.js';
import { createLogger } from '../../../src/kernel/log.js';
import { ROOT } from '../../setup/components.js';

/** The default scheduler and allocator, the real llama.cpp server through model-openai (as "smollm2"), the embedded KG, and the console; `extra` adds plugins or replaces one's options. */
export async function bootConsoleKernel(baseURL: string, extra: (upstream: string) => Record<string, object> = () => ({})) {
  const dir = mkdtempSync(join(tmpdir(), 'llmos-console-'));
  const upstream = (await new OpenAI({ baseURL, apiKey: 'none' }).models.list()).data[0].id;
  const plugins = {
    'sched-fcfs': {},
    'model-openai': { base_url: baseURL, api_key_env: 'LLMOS_TEST_NO_KEY', models: [{ id: 'smollm2', model: upstream, context_window: 4096, max_output_tokens: 2048, concurrency: 1 }] },
    'alloc-rules': {},
    'alloc-core': {},
    'kg-embedded': {},
    'kg-core': {},
    'obs-console': {},
    ...extra(upstream),
  };
  const config = join(dir, 'llmos.plugins.json');
  writeFileSync(config, JSON.stringify({ scheduler: 'fcfs', allocator: 'rules', plugins: Object.entries(plugins).map(([name, options]) => ({ name, module: join(ROOT, 'plugins', name), options })) }));
  return boot({ config, dataDir: join(dir, 'data'), logger: createLogger('silent'), admins: ['user:root'] });
}

/** An MCP client over Streamable HTTP with a user's token. */
export async function mcpAs(url: string, token: string): Promise<Client> {
  const client = new Client({ name: 'console-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return client;
}
