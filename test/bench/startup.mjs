// Benchmark: time from launching an MCP stdio server to its first tools/list answer,
// LLMOS (`llmos serve`, a thin client of the data dir's daemon) side by side with the
// official MCP memory server (@modelcontextprotocol/server-memory), in one run.
//
//   npm run bench:startup            (= npm run build && node test/bench/startup.mjs --rounds 5)
//
// Each round times, in an order that rotates from round to round:
//   memory  the memory server;
//   warm    LLMOS with its daemon already running;
//   cold    LLMOS with no daemon running, on a data dir a daemon has served before (the
//           usual start: the daemon stops after LLMOS_DAEMON_IDLE_MS without clients);
//   first   LLMOS on a fresh data dir: the very first start, nothing recorded yet.
// After a cold or first start the bench waits for the daemon it started and stops it, so
// no booting kernel loads the CPU while the next side is timed. Two clocks per start:
// "wire", raw JSON-RPC lines until the tools/list response arrives (the goal: cold and
// warm within 1.5x of the memory server), and "sdk", the SDK's Client over
// StdioClientTransport, which also compiles a validator per output schema in the client.
// Medians (ms) and ratios to the memory server go to stdout.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
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
      if (!m.result?.tools?.length) throw new Error(`${args.join(' ')} listed no tools: ${line.slice(0, 200)}`);
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
const llmosEnv = (dir) => ({ LLMOS_DATA_DIR: dir, LLMOS_LOG_LEVEL: 'warn' });
const cli = (dir, ...args) => execFileSync(process.execPath, [CLI, ...args], { env: { ...process.env, ...llmosEnv(dir) }, stdio: 'ignore' });
const answers = (sock) => new Promise((r) => connect(sock).once('connect', function () { this.destroy(), r(true); }).once('error', () => r(false)));

/** Waits until the daemon serving `dir` answers on its socket, then stops it. */
async function stopWhenUp(dir) {
  const sock = join(dir, 'run', 'llmos.sock');
  for (const end = Date.now() + 180_000; !(await answers(sock)); ) {
    if (Date.now() > end) throw new Error(`the daemon for ${dir} did not come up within 180 s; see ${dir}/run/daemon.log`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 300)); // it records its answers just after it serves
  cli(dir, 'daemon', 'stop');
}

const dirs = { memory: mkdtempSync(join(tmpdir(), 'memory-bench-')), warm: mkdtempSync(join(tmpdir(), 'llmos-bench-warm-')), cold: mkdtempSync(join(tmpdir(), 'llmos-bench-cold-')) };
const SIDES = {
  memory: (clock) => clock([MEMORY], { MEMORY_FILE_PATH: join(dirs.memory, 'memory.jsonl') }),
  warm: (clock) => clock([CLI, 'serve'], llmosEnv(dirs.warm)),
  cold: async (clock) => {
    const ms = await clock([CLI, 'serve'], llmosEnv(dirs.cold));
    await stopWhenUp(dirs.cold);
    return ms;
  },
  first: async (clock) => {
    const dir = mkdtempSync(join(tmpdir(), 'llmos-bench-first-'));
    const ms = await clock([CLI, 'serve'], llmosEnv(dir));
    await stopWhenUp(dir);
    rmSync(dir, { recursive: true, force: true });
    return ms;
  },
};

if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first.`);
if (!existsSync(MEMORY)) throw new Error(`${MEMORY} is missing: run npm install (@modelcontextprotocol/server-memory is a devDependency).`);
// Untimed: a daemon for the warm side, and one run on the cold side's data dir that it then stops.
await wire([CLI, 'serve'], llmosEnv(dirs.warm));
await wire([CLI, 'serve'], llmosEnv(dirs.cold));
await stopWhenUp(dirs.cold);
const names = Object.keys(SIDES);
console.log(`first tools/list after launch, median of ${ROUNDS} rounds (ms), sides alternated`);
console.log('clock  memory-server  llmos-warm  llmos-cold  llmos-first  warm/memory  cold/memory  first/memory');
for (const [clockName, clock] of [['wire', wire], ['sdk', sdk]]) {
  const times = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < ROUNDS; round++)
    for (let k = 0; k < names.length; k++) {
      const side = names[(k + round) % names.length];
      times[side].push(await SIDES[side](clock));
    }
  const m = Object.fromEntries(names.map((n) => [n, median(times[n])]));
  const cells = [m.memory, m.warm, m.cold, m.first].map((x, i) => x.toFixed(0).padStart([13, 11, 11, 12][i]));
  const ratios = [m.warm, m.cold, m.first].map((x, i) => (x / m.memory).toFixed(2).padStart([12, 12, 13][i]));
  console.log(`${clockName.padEnd(6)} ${cells.join(' ')} ${ratios.join(' ')}`);
}
cli(dirs.warm, 'daemon', 'stop');
for (const d of Object.values(dirs)) rmSync(d, { recursive: true, force: true });
