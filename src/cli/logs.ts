import { Command } from 'commander';
import type { ProcRecord } from '../core/process.js';
import { pidArg } from './kill.js';
import { withRemote, withRemoteFlags, type Remote, type RemoteFlags } from './remote.js';

const clock = (t: number) => new Date(t).toISOString().slice(11, 23);
const clean = (s: string) => s.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '?'); // client text: no terminal escapes

/** The events a record holds, in time order, each as [key, line]; the key makes a follower print each once. */
export function procEvents(p: ProcRecord): Array<[string, string]> {
  const ev: Array<[number, string, string]> = [[p.created, 'created', `created by ${p.owner}, model ${p.task.model}, max_tokens ${p.task.max_tokens}, priority ${p.priority}`]];
  if (p.started) ev.push([p.started, 'started', 'started']);
  p.attempts.forEach((a, i) => {
    ev.push([a.started, `attempt${i}`, `attempt ${i + 1} on ${a.model}@${a.version}`]);
    if (a.finished) ev.push([a.finished, `attempt${i}-end`, `attempt ${i + 1} ${a.error ? `failed: ${a.error.code}: ${a.error.message}` : 'done'}`]);
  });
  if (p.finished) {
    const u = p.usage;
    ev.push([p.finished, 'exited', `exited ${p.exit ?? '?'} (${u.prompt_tokens} prompt + ${u.completion_tokens} completion tokens, $${u.cost_usd.toFixed(4)})${p.error ? `: ${p.error.code}: ${p.error.message}` : ''}`]);
  }
  return ev.sort((a, b) => a[0] - b[0]).map(([t, key, line]) => [key, clean(`${clock(t)} [${p.pid}] ${line}`)]);
}

/** Writes the record's events not yet in `seen`; once it has exited, its result text follows. */
function printNew(p: ProcRecord, seen: Set<string>): void {
  for (const [key, line] of procEvents(p)) {
    if (seen.has(key)) continue;
    seen.add(key);
    process.stdout.write(line + '\n');
  }
  if (p.state === 'exited' && p.result && !seen.has('result')) {
    seen.add('result');
    process.stdout.write(clean(p.result.text) + '\n');
  }
}

/** Follows a process until it exits: proc_wait with progress notifications (state changes, tokens streamed), again after each timeout. */
async function follow(r: Remote, pid: number, seen: Set<string>): Promise<ProcRecord> {
  let last = '';
  const onprogress = ({ message }: { message?: string }) => {
    const state = message?.replace(/, \d+ tokens streamed$/, '') ?? '';
    const now = Date.now();
    // Token counts arrive per token: print a state change at once, a count at most once a second.
    if (message && (state !== last || now - lastAt >= 1000)) {
      process.stdout.write(`${clock(now)} [${pid}] ${clean(message.replace(/^pid \d+ /, ''))}\n`);
      last = state;
      lastAt = now;
    }
  };
  let lastAt = 0;
  for (;;) {
    try {
      const { out } = await r.call<ProcRecord>('proc_wait', { pid, timeout_ms: 60_000 }, onprogress);
      return out;
    } catch (e) {
      if ((e as { code?: string }).code !== 'LLMOS_ETIMEDOUT') throw e;
      const { out } = await r.call<ProcRecord>('proc_get', { pid });
      printNew(out, seen);
    }
  }
}

/** `llmos logs PID`: what a process did (created, attempts, exit, result); -f follows it until it exits. */
export function logsCommand(): Command {
  return withRemoteFlags(new Command('logs'))
    .description("Show a process's events and output from a running server; -f follows it until it exits")
    .argument('<pid>', 'process id, from llmos ps')
    .option('-f, --follow', 'keep printing until the process exits')
    .action(async (pidText: string, o: RemoteFlags & { follow?: boolean }) => {
      const pid = pidArg(pidText);
      await withRemote(o, async (r) => {
        const seen = new Set<string>();
        let { out: p } = await r.call<ProcRecord>('proc_get', { pid });
        printNew(p, seen);
        if (!o.follow || p.state === 'exited') return;
        p = await follow(r, pid, seen);
        printNew(p, seen);
      });
    });
}
