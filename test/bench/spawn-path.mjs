// Which LLMOS source files one proc_spawn crosses, from the MCP tool call to the model
// backend and back (issue 12's "files on the proc_spawn path"), derived rather than counted
// by hand: V8 precise coverage (call counts) over one proc_spawn {wait: true} made by an MCP
// client, after a warm-up call, with sched-fcfs + alloc-rules + model-openai in front of the
// instant local upstream. A file counts when any of its functions ran during that call.
//
//   npm run build && node test/bench/spawn-path.mjs [--json]
import { Session } from 'node:inspector/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = join(ROOT, 'dist');
const imp = (p) => import(pathToFileURL(join(DIST, p)).href);

/** Source files (relative to the repo, .ts) whose functions ran during fn(). */
async function filesRunBy(fn) {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
  await session.post('Profiler.takePreciseCoverage'); // resets the counts: only fn() is measured
  await fn();
  const { result } = await session.post('Profiler.takePreciseCoverage');
  await session.post('Profiler.stopPreciseCoverage');
  session.disconnect();
  const prefix = pathToFileURL(DIST).href + '/';
  return result
    .filter((s) => s.url.startsWith(prefix) && s.functions.some((f) => f.ranges[0].count > 0))
    .map((s) => relative(DIST, fileURLToPath(s.url)).replace(/\.js$/, '.ts'))
    .sort();
}

export async function spawnPathFiles() {
  const { startInstantUpstream } = await import('../fixtures/instant-upstream.mjs');
  const upstream = await startInstantUpstream();
  const dataDir = mkdtempSync(join(tmpdir(), 'llmos-spawn-path-'));
  const { boot } = await imp('src/boot.js');
  const { createMcpServer } = await imp('src/mcp/server.js');
  const plugin = async (name) => (await imp(`plugins/${name}/index.js`)).default;
  const openai = await plugin('model-openai');
  const models = { ...openai, register: (s) => openai.register(s, openai.options.parse({ base_url: upstream.baseURL, probe_on_start: false, models: [{ id: 'instant' }] })) };
  const { kernel, stop } = await boot({ inline: [await plugin('sched-fcfs'), await plugin('alloc-rules'), models], dataDir, logger: undefined });
  const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
  const { InMemoryTransport } = await import('@modelcontextprotocol/sdk/inMemory.js');
  const { mcp, close } = createMcpServer(kernel, { owner: 'spawn-path' });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await mcp.connect(b);
  const client = new Client({ name: 'spawn-path', version: '1.0.0' });
  await client.connect(a);
  const spawn = async () => {
    const r = await client.callTool({ name: 'proc_spawn', arguments: { prompt: 'Say hello.', model: 'instant', max_tokens: 8, wait: true } });
    if (r.isError || r.structuredContent?.result?.text !== 'echo: Say hello.') throw new Error(`proc_spawn failed: ${JSON.stringify(r)}`);
  };
  try {
    await spawn(); // warm-up: first-use setup (clients, caches) is not the path
    return await filesRunBy(spawn);
  } finally {
    await client.close();
    await close();
    await stop();
    await upstream.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.env.LLMOS_LOG_LEVEL ??= 'warn';
  const files = await spawnPathFiles();
  if (process.argv.includes('--json')) console.log(JSON.stringify(files));
  else console.log(`proc_spawn crosses ${files.length} LLMOS source files (MCP tool → model backend → back):\n${files.map((f) => `  ${f}`).join('\n')}`);
  process.exit(0);
}
