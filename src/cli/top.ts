import { emitKeypressEvents } from 'node:readline';
import { Command } from 'commander';
import type { ProcRecord } from '../core/process.js';
import { duration, listAll, procTable } from './proc-table.js';
import { withRemote, withRemoteFlags, type Remote, type RemoteFlags } from './remote.js';

/** The parts of sys_info the header shows. */
interface SysInfo {
  version: string;
  uptime_ms: number;
  scheduler: string | null;
  allocator: string | null;
  counts: { procs: Record<string, number>; queued: number; models: number };
  you?: { owner: string; admin: boolean };
}

const ORDER: Record<string, number> = { running: 0, blocked: 1, ready: 2, new: 3, exited: 4 };

/** Live processes first (running, blocked, queued), then the most recently finished. */
const byActivity = (a: ProcRecord, b: ProcRecord) => ORDER[a.state] - ORDER[b.state] || (b.finished ?? b.pid) - (a.finished ?? a.pid);

/** One screen: a header from sys_info and the process table, cut to `rows` lines of `cols` characters. */
export async function topScreen(r: Remote, rows = Infinity, cols = Infinity): Promise<string[]> {
  const { out: sys } = await r.call<SysInfo>('sys_info', {});
  const procs = (await listAll(r)).sort(byActivity);
  const c = sys.counts.procs;
  const head = [
    `llmos ${sys.version} at ${r.url.origin}  up ${duration(sys.uptime_ms)}  you: ${sys.you?.owner ?? '?'}${sys.you?.admin ? ' (admin)' : ''}`,
    `scheduler ${sys.scheduler ?? 'none'}  allocator ${sys.allocator ?? 'none'}  models ${sys.counts.models}  queued ${sys.counts.queued}`,
    `procs: ${c.running ?? 0} running, ${c.blocked ?? 0} blocked, ${c.ready ?? 0} ready, ${c.new ?? 0} new, ${c.exited ?? 0} exited${sys.you?.admin ? '' : ' (server-wide; the table shows yours)'}`,
    '',
  ];
  return [...head, ...procTable(procs, Date.now(), cols)].slice(0, rows).map((l) => l.slice(0, cols));
}

/** Redraws every `intervalMs` on the alternate screen until q or Ctrl-C; restores the terminal on the way out. */
async function live(r: Remote, intervalMs: number): Promise<void> {
  const out = process.stdout;
  const stdin = process.stdin;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  await new Promise<void>((done, fail) => {
    const quit = (e?: unknown) => {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      if (stdin.isTTY) stdin.setRawMode(false);
      stdin.pause();
      out.write('\x1b[?25h\x1b[?1049l');
      if (e) fail(e);
      else done();
    };
    const draw = async () => {
      try {
        const lines = await topScreen(r, (out.rows ?? 24) - 1, out.columns ?? 80);
        if (stopped) return;
        out.write('\x1b[H\x1b[2J' + lines.join('\n') + `\n\x1b[7m q quits · every ${intervalMs} ms \x1b[0m`);
        timer = setTimeout(draw, intervalMs);
      } catch (e) {
        quit(e);
      }
    };
    emitKeypressEvents(stdin);
    if (stdin.isTTY) stdin.setRawMode(true);
    stdin.on('keypress', (_s: string, key: { name?: string; ctrl?: boolean }) => (key?.name === 'q' || (key?.ctrl && key.name === 'c') ? quit() : undefined));
    stdin.resume();
    process.once('SIGINT', () => quit());
    out.write('\x1b[?1049h\x1b[?25l');
    void draw();
  });
}

/** `llmos top`: a live, refreshing view of a running server's processes; one plain screen when stdout is not a terminal. */
export function topCommand(): Command {
  return withRemoteFlags(new Command('top'))
    .description("A live view of a running server's processes (q or Ctrl-C quits); prints once when stdout is not a terminal")
    .option('--interval <ms>', 'refresh period in ms (≥ 200)', '1000')
    .action(async (o: RemoteFlags & { interval: string }) => {
      const interval = Math.max(200, Number(o.interval) || 1000);
      await withRemote(o, async (r) => {
        if (process.stdout.isTTY) await live(r, interval);
        else process.stdout.write((await topScreen(r)).join('\n') + '\n');
      });
    });
}
