// Splits a V8 CPU profile (.cpuprofile, from node --cpu-prof) of an LLMOS server
// into request-path stages, so each plugin's cost per request is visible without
// any timing code in the product (zero cost when not profiling).
//
// A sample belongs to the stage of the innermost frame on its stack that a rule
// below recognises: a library's frames count towards the stage that uses it
// (better-sqlite3 under journal-sqlite is "journal"), and frames of Node's own
// http/net code with no LLMOS frame above them are "HTTP (node core)".
import { readFileSync } from 'node:fs';

/** [stage, test on a frame's url (or function name for V8's pseudo-frames)], first match wins per frame. */
const RULES = [
  ['GC', (u, fn) => fn === '(garbage collector)'],
  ['journal', (u) => /\/plugins\/journal-[^/]+\//.test(u)],
  ['profiler', (u) => /\/plugins\/profile-[^/]+\//.test(u)],
  ['allocator', (u) => /\/plugins\/alloc-[^/]+\//.test(u)],
  ['scheduler', (u) => /\/plugins\/sched-[^/]+\//.test(u) || /\/src\/kernel\/queue-shares\.js/.test(u)],
  ['ledger+budgets', (u) => /\/src\/kernel\/(ledger|budgets)\.js/.test(u)],
  ['backend (model-openai + openai SDK)', (u) => /\/plugins\/model-openai\//.test(u) || /\/node_modules\/openai\//.test(u)],
  ['gateway (parse, shape answer)', (u) => /\/plugins\/gateway-openai\//.test(u)],
  ['dispatch/admission (kernel)', (u) => /\/src\/kernel\//.test(u) || /\/src\/core\//.test(u)],
  ['HTTP (guard, auth, routing)', (u) => /\/src\/mcp\//.test(u) || /\/node_modules\/(express|router|body-parser|raw-body)\//.test(u)],
  ['logging', (u) => /\/node_modules\/pino/.test(u)],
  ['metrics (obs-metrics + prom-client)', (u) => /\/plugins\/obs-metrics\//.test(u) || /\/node_modules\/prom-client\//.test(u)],
  ['other plugins', (u) => /\/dist\/plugins\//.test(u)],
  ['other LLMOS', (u) => /\/dist\/src\//.test(u)],
];
const NODE_CORE = 'HTTP (node core: sockets, parser)';
const SKIP = new Set(['(idle)']);
/** The bench's own code in the server (starting and stopping the profiler) is not the server's cost. */
const BENCH = /\/test\/bench\//;

/** Stage of one node: the first rule that matches it or an ancestor (innermost first). */
function stageOf(node, parent, byId, memo) {
  if (memo.has(node.id)) return memo.get(node.id);
  const { url, functionName } = node.callFrame;
  const hit = BENCH.test(url) ? ['bench'] : RULES.find(([, test]) => test(url, functionName));
  const p = parent.get(node.id);
  const stage = hit ? hit[0] : p !== undefined ? stageOf(byId.get(p), parent, byId, memo) : NODE_CORE;
  memo.set(node.id, stage);
  return stage;
}

/**
 * CPU ms per request by stage: each stage's share of the profile's non-idle
 * samples times the measured CPU ms per request of the same run.
 * @returns {Array<{ stage: string, 'cpu ms/req': number, share: string }>}
 */
export function stagesOf(profileFile, cpuMsPerReq) {
  const prof = JSON.parse(readFileSync(profileFile, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const memo = new Map();
  const time = new Map();
  let total = 0;
  prof.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (SKIP.has(node.callFrame.functionName)) return;
    const stage = node.callFrame.functionName === '(program)' ? 'V8/native (program)' : stageOf(node, parent, byId, memo);
    if (stage === 'bench') return;
    const dt = prof.timeDeltas[i] ?? 0;
    time.set(stage, (time.get(stage) ?? 0) + dt);
    total += dt;
  });
  return [...time]
    .sort((a, b) => b[1] - a[1])
    .map(([stage, t]) => ({ stage, 'cpu ms/req': +((t / total) * cpuMsPerReq).toFixed(3), share: `${((t / total) * 100).toFixed(1)}%` }));
}
