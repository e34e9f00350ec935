// A/B of the gateway's CPU per request, for a shared machine where req/s is noise:
// this build's product path (the default llmos.plugins.json, model-openai pointed at
// the instant upstream) against another build's, in rounds that alternate the sides.
// Each round sends the same fixed number of requests to one server (autocannon,
// `--connections` at once) and reads the server's CPU time from /proc; the figure is
// the median over rounds of each side's CPU ms per request, and their ratio.
//
//   npm run build && node test/bench/gateway-cpu-ab.mjs --before <dist>[:<config>] [--rounds 6] [--requests 3000] [--connections 10] [--prompt-kb 0] [--port-base 38901] [--deps /work/benchdeps]
//
// Uses gateway.mjs's server roles (--serve-upstream, --serve-llmos); needs autocannon as gateway.mjs does.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const GATEWAY = join(HERE, 'gateway.mjs');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
// --prompt-kb N puts N KB of prose before the request, as a long system prompt or chat history would.
const PROMPT_KB = Number(arg('prompt-kb', 0));
const HISTORY = 'The council met on Monday and heard a long report on the city budget and its roads. '.repeat(Math.ceil((PROMPT_KB * 1024) / 85)).slice(0, PROMPT_KB * 1024);
const BODY = JSON.stringify({ model: 'instant', messages: [...(PROMPT_KB ? [{ role: 'system', content: HISTORY }] : []), { role: 'user', content: 'Say hello to the benchmark.' }], max_tokens: 16 });
const HEADERS = { 'content-type': 'application/json', authorization: 'Bearer bench-token' };

const cpuSeconds = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Starts a gateway.mjs role; resolves once it printed "ready". */
function role(args, env = {}) {
  const c = spawn(process.execPath, [GATEWAY, ...args], { env: { ...process.env, LLMOS_LOG_LEVEL: 'warn', LLMOS_MAX_CONNECTIONS_PER_CLIENT: '10000', ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let err = '';
  c.stderr.on('data', (d) => (err += d));
  return new Promise((res, rej) => {
    c.stdout.on('data', (d) => String(d).includes('ready') && res(c));
    c.once('exit', (code) => rej(new Error(`${args.join(' ')} exited ${code}: ${err}`)));
  });
}

async function main() {
  const deps = arg('deps', process.env.LLMOS_BENCH_DEPS ?? '/work/benchdeps');
  const autocannon = createRequire(join(deps, 'package.json'))('autocannon');
  const [beforeDist, beforeConfig] = (arg('before') ?? '').split(':');
  if (!beforeDist) throw new Error('give --before <dist>[:<config>], e.g. a build of main');
  const base = Number(arg('port-base', 38901));
  const rounds = Number(arg('rounds', 6));
  const amount = Number(arg('requests', 3000));
  const connections = Number(arg('connections', 10));
  const upstream = await role(['--serve-upstream', String(base)]);
  const baseURL = `http://127.0.0.1:${base}/v1`;
  const sides = {
    now: { port: base + 1, c: await role(['--serve-llmos', String(base + 1), baseURL, 'instant'], { LLMOS_BENCH_CONFIG: 'default' }) },
    before: {
      port: base + 2,
      c: await role(['--serve-llmos', String(base + 2), baseURL, 'instant'], { LLMOS_BENCH_CONFIG: 'default', LLMOS_BENCH_DIST: resolve(beforeDist), ...(beforeConfig && { LLMOS_BENCH_CONFIG_FILE: resolve(beforeConfig) }) }),
    },
  };
  const run = (port, n) =>
    new Promise((res, rej) => autocannon({ url: `http://127.0.0.1:${port}/v1/chat/completions`, method: 'POST', headers: HEADERS, body: BODY, connections, amount: n }, (e, r) => (e ? rej(e) : res(r))));
  for (const s of Object.values(sides)) await run(s.port, Math.min(200, amount)); // warm-up
  const ms = { now: [], before: [] };
  for (let i = 0; i < rounds; i++)
    for (const name of i % 2 ? ['before', 'now'] : ['now', 'before']) {
      const s = sides[name];
      const cpu0 = cpuSeconds(s.c.pid);
      const r = await run(s.port, amount);
      const bad = r.errors + r.non2xx;
      ms[name].push(((cpuSeconds(s.c.pid) - cpu0) * 1000) / (r.requests.total - bad));
      console.log(`round ${i + 1} ${name}: ${ms[name].at(-1).toFixed(3)} cpu ms/req (${r.requests.total} requests, ${bad} failed, ${Math.round(r.requests.average)} req/s)`);
    }
  const [now, before] = [median(ms.now), median(ms.before)];
  console.log(`median cpu ms/req over ${rounds} rounds of ${amount} requests at c=${connections}: now ${now.toFixed(3)}, before ${before.toFixed(3)}, now/before ${(now / before).toFixed(3)}`);
  for (const c of [upstream, sides.now.c, sides.before.c]) c.kill('SIGTERM');
}

await main();
process.exit(0);
