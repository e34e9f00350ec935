// Benchmark: time from launching an MCP stdio server to its first tools/list answer,
// LLMOS (`llmos serve`, a thin client of the data dir's daemon) side by side with the
// official MCP memory server (@modelcontextprotocol/server-memory), in one run.
//
//   npm run build && node test/bench/startup.mjs [--rounds 5]
//
// LLMOS is timed cold (a fresh data dir: the client starts the daemon, which boots the
// kernel with llmos.plugins.json) and warm (the daemon already runs). Two clocks per start:
// "wire", raw JSON-RPC lines until the tools/list response arrives, and "sdk", the SDK's
// Client over StdioClientTransport (which also compiles a validator per output schema).
// Figures (medians, ms) go to stdout. The memory server is skipped, saying so, until it is
// installed as a devDependency.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = join(ROOT, 'dist/src/cli.js');
const MEMORY = join(ROOT, 'node_modules/@modelcontextprotocol/server-memory/dist/index.js');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const ROUNDS = Number(arg('rounds', 5));
const INIT = { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'startup-bench', version: '1' } };

/** Raw newline-delimited JSON-RPC: ms until the tools/list response line arrives. */
async function wire(args, env) {
  const t0 = performance.now();
  const c = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'ignore'] });
  const send = (m) => c.stdin.write(JSON.stringify({ jsonrpc: '2.0', ...m }) + '\n');
  send({ id: 1, method: 'initialize', params: INIT });
  for await (const line of createInterface({ input: c.stdout })) {
    const m = JSON.parse(line);
    if (m.id === 1) send({ method: 'notifications/initialized' }), send({ id: 2, method: 'tools/list' });
    if (m.id === 2) {
      const ms = performance.now() - t0;
      c.stdin.end();
      await new Promise((r) => c.once('exit', r));
      return ms;
    }
  }
  throw new Error(`${args.join(' ')} closed stdout before answering tools/list`);
}

/** The SDK's Client over StdioClientTransport: ms until listTools() resolves. */
async function sdk(args, env) {
  const t0 = performance.now();
  const client = new Client({ name: 'startup-bench', version: '1' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args, env: { ...process.env, ...env }, stderr: 'ignore' }));
  await client.listTools();
  const ms = performance.now() - t0;
  await client.close();
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const stopDaemon = (dir) => execFileSync(process.execPath, [CLI, 'daemon', 'stop'], { env: { ...process.env, LLMOS_DATA_DIR: dir }, stdio: 'ignore' });
const llmosEnv = (dir) => ({ LLMOS_DATA_DIR: dir, LLMOS_LOG_LEVEL: 'warn' });

async function llmos(clock, cold) {
  const times = [];
  const warmDir = mkdtempSync(join(tmpdir(), 'llmos-bench-warm-'));
  if (!cold) await clock([CLI, 'serve'], llmosEnv(warmDir)); // starts the daemon once
  for (let i = 0; i < ROUNDS; i++) {
    const dir = cold ? mkdtempSync(join(tmpdir(), 'llmos-bench-cold-')) : warmDir;
    times.push(await clock([CLI, 'serve'], llmosEnv(dir)));
    if (cold) stopDaemon(dir), rmSync(dir, { recursive: true, force: true });
  }
  stopDaemon(warmDir);
  rmSync(warmDir, { recursive: true, force: true });
  return median(times);
}

async function memory(clock) {
  const dir = mkdtempSync(join(tmpdir(), 'memory-bench-'));
  const times = [];
  for (let i = 0; i < ROUNDS; i++) times.push(await clock([MEMORY], { MEMORY_FILE_PATH: join(dir, 'memory.jsonl') }));
  rmSync(dir, { recursive: true, force: true });
  return median(times);
}

if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first.`);
const hasMemory = existsSync(MEMORY);
if (!hasMemory) console.log('memory server: SKIPPED, @modelcontextprotocol/server-memory is not installed (add it as a devDependency to compare)');
console.log(`first tools/list after launch, median of ${ROUNDS} (ms)`);
console.log('clock  memory-server  llmos-warm  llmos-cold  warm/memory  cold/memory');
for (const [name, clock] of [['wire', wire], ['sdk', sdk]]) {
  const mem = hasMemory ? await memory(clock) : NaN;
  const warm = await llmos(clock, false);
  const cold = await llmos(clock, true);
  const ratio = (x) => (hasMemory ? (x / mem).toFixed(2) : '-');
  console.log(`${name.padEnd(6)} ${(hasMemory ? mem.toFixed(0) : '-').padStart(13)} ${warm.toFixed(0).padStart(11)} ${cold.toFixed(0).padStart(11)} ${ratio(warm).padStart(12)} ${ratio(cold).padStart(12)}`);
}
