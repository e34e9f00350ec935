// The built binary over stdio, as an MCP client in Claude Desktop or Cursor starts it: the default
// plugin config (SQLite journal, embedded SmolLM2 through node-llama-cpp, embedded knowledge graph).
// Checks: proc_spawn answers a pid, proc_wait returns it exited ok with text, and an entity written
// with kg_create_entities comes back from kg_open_nodes. Run after `npm run build` and
// test/setup/install.sh (the GGUF is read from $LLMOS_CACHE_DIR/models, default <repo>/.cache).
// Prints one line per check and a closing "N passed, N failed"; exits non-zero on any failure.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/src/cli.js');
/** The kernel's environment as `npm start` and the daemon give it (libuv's pool at one thread: src/daemon/kernel-env.ts). */
const { kernelEnv } = await import(pathToFileURL(join(ROOT, 'dist/src/daemon/kernel-env.js')).href);
const CACHE = process.env.LLMOS_CACHE_DIR ?? join(ROOT, '.cache');
const MODEL = process.env.LLMOS_MODEL_PATH ?? join(CACHE, 'models/SmolLM2-135M-Instruct.Q4_1.gguf');
const DEADLINE_MS = 180_000;

for (const [file, fix] of [[CLI, 'run `npm run build`'], [MODEL, 'run `bash test/setup/install.sh`']]) {
  if (!existsSync(file)) throw new Error(`mcp-smoke: ${file} is missing: ${fix}`);
}

const results = [];
/** Runs one named check; a throw is a failure with its message. */
async function check(name, fn) {
  try {
    await fn();
    results.push(true);
    console.log(`  ok   ${name}`);
  } catch (e) {
    results.push(false);
    console.log(`  FAIL ${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
function assert(cond, what) {
  if (!cond) throw new Error(what);
}
const text = (r) => (r.content ?? []).map((c) => c.text ?? '').join(' ');

const dataDir = mkdtempSync(join(tmpdir(), 'llmos-smoke-'));
const transport = new StdioClientTransport({
  command: process.execPath,
  args: [CLI, 'serve', '--no-daemon', '--config', join(ROOT, 'llmos.plugins.json')],
  cwd: ROOT,
  env: { ...kernelEnv(), LLMOS_DATA_DIR: dataDir, LLMOS_MODEL_PATH: MODEL, LLMOS_LOG_LEVEL: 'warn', LLMOS_TOOLSETS: 'proc,kg' }, // kg is not in the default toolset
  stderr: 'inherit',
});
const client = new Client({ name: 'llmos-smoke', version: '1.0.0' });
const timer = setTimeout(() => {
  console.log(`mcp smoke: no answer within ${DEADLINE_MS / 1000} s`);
  process.exit(1);
}, DEADLINE_MS);

console.log(`mcp smoke on node ${process.version}`);
await check('connect and list tools', async () => {
  await client.connect(transport);
  const names = (await client.listTools()).tools.map((t) => t.name);
  for (const n of ['proc_spawn', 'proc_wait', 'kg_create_entities', 'kg_open_nodes']) assert(names.includes(n), `${n} is not listed`);
});
let pid;
await check('proc_spawn answers a pid', async () => {
  const r = await client.callTool({ name: 'proc_spawn', arguments: { prompt: 'Say hello.', max_tokens: 8, temperature: 0, seed: 1 } });
  assert(!r.isError, `tool error: ${text(r)}`);
  pid = r.structuredContent?.pid;
  assert(Number.isInteger(pid), `no pid in ${JSON.stringify(r.structuredContent)}`);
});
await check('proc_wait returns the process exited ok with text', async () => {
  const r = await client.callTool({ name: 'proc_wait', arguments: { pid, timeout_ms: 120_000 } });
  assert(!r.isError, `tool error: ${text(r)}`);
  const rec = r.structuredContent;
  assert(rec.state === 'exited' && rec.exit === 'ok', `state ${rec.state}, exit ${rec.exit}`);
  assert(JSON.stringify(rec.result ?? '').length > 2, 'empty result');
});
await check('knowledge graph round trip', async () => {
  const entity = { name: 'SmokeTest', entityType: 'check', observations: [`ran on node ${process.version}`] };
  const made = await client.callTool({ name: 'kg_create_entities', arguments: { entities: [entity] } });
  assert(!made.isError, `kg_create_entities: ${text(made)}`);
  const got = await client.callTool({ name: 'kg_open_nodes', arguments: { names: ['SmokeTest'] } });
  assert(!got.isError, `kg_open_nodes: ${text(got)}`);
  const found = got.structuredContent?.entities?.find((e) => e.name === 'SmokeTest');
  assert(found?.observations?.includes(entity.observations[0]), `read back ${JSON.stringify(got.structuredContent)}`);
});

await client.close().catch(() => undefined);
clearTimeout(timer);
rmSync(dataDir, { recursive: true, force: true });
const passed = results.filter(Boolean).length;
console.log(`mcp smoke: ${passed} passed, ${results.length - passed} failed`);
process.exit(passed === results.length ? 0 : 1);
