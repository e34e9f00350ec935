// Which LLMOS source files one proc_spawn crosses, from the MCP tool call to the model
// backend and back (issue 12's "files on the proc_spawn path"), derived rather than counted
// by hand, over one proc_spawn {wait: true} made by an MCP client (after a warm-up call),
// with sched-fcfs + alloc-rules + model-openai in front of the instant local upstream.
// Measures:
//  - the path: the files on the call stack, async frames included, at its two ends (the
//    model backend entered, followed down to its HTTP request; the tool result produced:
//    proc_spawn's handler resuming with the record and the syscall table checking it), and
//    at every turning point (those, plus the process leaving READY, or reaching the
//    scheduler's queue when no slot is free, and its exit being recorded);
//  - coverage (second line): every file any of whose functions ran during the call
//    (V8 precise coverage), helpers off the path included.
//
//   npm run build && node test/bench/spawn-path.mjs [--json]
import diagnostics from 'node:diagnostics_channel';
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

/** The LLMOS source files (relative to the repo, .ts) named by the frames of a stack. */
const filesOf = (stack) => {
  const prefix = pathToFileURL(DIST).href + '/';
  const out = new Set();
  for (const m of stack.matchAll(/\((file:[^)]+?):\d+:\d+\)|at (?:async )?(file:[^\s]+?):\d+:\d+$/gm)) {
    const url = m[1] ?? m[2];
    if (url.startsWith(prefix)) out.add(relative(DIST, fileURLToPath(url)).replace(/\.js$/, '.ts'));
  }
  return out;
};

/**
 * Records the files on the stack (async frames included) at each turning
 * point of one spawn; `arm()` starts recording (the warm-up call is not measured).
 */
function stackProbes(kernel) {
  const points = new Map();
  let armed = false;
  const capture = (point, own) => {
    if (!armed) return;
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = Infinity;
    const stack = new Error().stack;
    Error.stackTraceLimit = limit;
    points.set(point, new Set([...(points.get(point) ?? []), ...filesOf(stack), ...(own ? [own] : [])]));
  };
  /** Captures on entering obj[name]; `own` is the file that defines it (the entered function's own frame is not on the stack yet). */
  const wrap = (obj, name, point, own) => {
    const fn = obj[name];
    obj[name] = function (...args) {
      capture(point, own);
      return fn.apply(this, args);
    };
  };
  // Where the task is handed on: queued by the scheduler, or run at once when a slot is free (bypassWhenIdle).
  wrap(kernel.schedulers.active(), 'enqueue', 'MCP tool -> scheduler queue', 'plugins/sched-fcfs/index.ts');
  kernel.procs.on('state', (p, from) => from === 'ready' && capture('MCP tool -> process leaves READY'));
  // The backend's side: its HTTP request for the answer (undici publishes its creation synchronously), so the backend's own files are on the stack.
  const onRequest = ({ request }) => String(request.path).endsWith('/chat/completions') && capture('dispatch -> model backend -> HTTP request');
  diagnostics.subscribe('undici:request:create', onRequest);
  kernel.procs.on('exit', () => capture('model answer -> process exit'));
  const wait = kernel.procs.wait.bind(kernel.procs);
  kernel.procs.wait = async (...args) => {
    const p = await wait(...args);
    capture('exit -> proc_spawn handler resumes');
    return p;
  };
  const spawnCall = kernel.syscalls.get('proc_spawn');
  const output = spawnCall.output;
  spawnCall.output = { safeParse: (v) => (capture('handler -> tool result (syscall table)'), output.safeParse(v)) };
  return { arm: () => (armed = true), disarm: () => ((armed = false), diagnostics.unsubscribe('undici:request:create', onRequest)), points };
}

/** Boots the lean kernel, connects an MCP client, runs `measure` over one proc_spawn after a warm-up one. */
async function withOneSpawn(measure) {
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
    return await measure(kernel, spawn);
  } finally {
    await client.close();
    await close();
    await stop();
    await upstream.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The two ends the issue names: the model backend entered (down to its HTTP request) and the tool result produced. */
const ENDS = ['dispatch -> model backend -> HTTP request', 'exit -> proc_spawn handler resumes', 'handler -> tool result (syscall table)'];

/** Files on the stack at each turning point; their union at the two ends (`ends`) and at every point (`files`). */
export const spawnPathStacks = () =>
  withOneSpawn(async (kernel, spawn) => {
    const probes = stackProbes(kernel);
    await spawn(); // warm-up: first-use setup (clients, caches) is not the path
    probes.arm();
    await spawn();
    probes.disarm();
    const points = Object.fromEntries([...probes.points].map(([k, v]) => [k, [...v].sort()]));
    const union = (names) => [...new Set(names.flatMap((n) => points[n] ?? []))].sort();
    return { ends: union(ENDS), files: union(Object.keys(points)), points };
  });

/** Every source file any of whose functions ran during one proc_spawn (V8 coverage). */
export const spawnPathFiles = () =>
  withOneSpawn(async (_kernel, spawn) => {
    await spawn(); // warm-up
    return filesRunBy(spawn);
  });

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.env.LLMOS_LOG_LEVEL ??= 'warn';
  const path = await spawnPathStacks();
  const covered = await spawnPathFiles();
  if (process.argv.includes('--json')) console.log(JSON.stringify({ path, covered }));
  else {
    console.log(`proc_spawn path, files on the call stack at its two ends (model backend entered, tool result produced): ${path.ends.length}`);
    console.log(`proc_spawn path, files on the call stack at every turning point (the ends, leaving READY or the scheduler's queue, the exit): ${path.files.length}`);
    for (const [point, files] of Object.entries(path.points)) console.log(`  at ${point}: ${files.join(', ')}`);
    console.log(`proc_spawn coverage (files with any function run during the call): ${covered.length} LLMOS source files:\n${covered.map((f) => `  ${f}`).join('\n')}`);
  }
  process.exit(0);
}
