// CPU per unstreamed model-openai call: the direct JSON call on the connection's undici pool
// (backend.ts postJson, the default) against the same call through the openai client on the
// same pool, in alternating rounds in one process, the upstream in a child.
//
//   npm run build && node test/bench/openai-call-cpu.mjs [--rounds 6] [--calls 1500] [--port 48901]
import { spawn } from 'node:child_process';
import { fromDist, arg } from './dist.mjs';

const port = arg('port', 48901);
const rounds = arg('rounds', 6);
const calls = arg('calls', 1500);
const upstream = spawn(process.execPath, [new URL('./gateway.mjs', import.meta.url).pathname, '--serve-upstream', String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((r) => upstream.stdout.on('data', (d) => String(d).includes('ready') && r()));
const { makeClient, OpenAIOptions } = await fromDist('plugins/model-openai/connection.js');
const { OpenAIBackend } = await fromDist('plugins/model-openai/backend.js');
const { createLogger } = await fromDist('src/kernel/log.js');
const o = OpenAIOptions.parse({ base_url: `http://127.0.0.1:${port}/v1`, probe_on_start: false });
const info = { id: 'instant', version: '1', capabilities: { max_output_tokens: 256, context_window: 4096 } };
const direct = makeClient(o, createLogger('silent'), 16);
const { direct: _direct, ...viaClient } = makeClient(o, createLogger('silent'), 16); // the same client without its direct call
const sides = { direct: new OpenAIBackend(info, 'instant', direct, 5000), client: new OpenAIBackend(info, 'instant', viaClient, 5000) };
const request = { messages: [{ role: 'user', content: 'Say hello to the benchmark.' }], max_tokens: 16 };
const once = (b) => b.complete(request, { signal: new AbortController().signal });
const cpuMs = async (b, n) => {
  const t0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await once(b);
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / 1000 / n;
};
for (const b of Object.values(sides)) await cpuMs(b, 300); // warm-up
const ms = { direct: [], client: [] };
for (let i = 0; i < rounds; i++) for (const name of i % 2 ? ['client', 'direct'] : ['direct', 'client']) ms[name].push(await cpuMs(sides[name], calls));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [k, v] of Object.entries(ms)) console.log(`${k}: ${v.map((x) => x.toFixed(3)).join(' ')} cpu ms/call`);
console.log(`median cpu ms per unstreamed call (this process, ${rounds} rounds × ${calls} calls): direct ${median(ms.direct).toFixed(3)}, through the openai client ${median(ms.client).toFixed(3)}, direct/client ${(median(ms.direct) / median(ms.client)).toFixed(3)}`);
await direct.close();
await viaClient.close();
upstream.kill();
process.exit(0);
