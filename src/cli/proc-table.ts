import type { ProcRecord } from '../core/process.js';
import type { Remote } from './remote.js';

/** What proc_list answers: one page of records and the cursor of the next. */
interface ProcPage {
  procs: ProcRecord[];
  next_cursor: number | null;
}

/** Every process the caller may see (an admin: all; anyone else: their own), following proc_list's pages up to `max`. */
export async function listAll(remote: Remote, filter: { state?: string; owner?: string } = {}, max = 10_000): Promise<ProcRecord[]> {
  const out: ProcRecord[] = [];
  for (let cursor = 0; out.length < max; ) {
    const { out: page } = await remote.call<ProcPage>('proc_list', { ...filter, limit: 1000, cursor });
    out.push(...page.procs);
    if (page.next_cursor === null) break;
    cursor = page.next_cursor;
  }
  return out.slice(0, max);
}

/** A duration in ms as a short human string: 850ms, 12.3s, 4m05s, 2h10m. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const COLUMNS = ['PID', 'PPID', 'OWNER', 'STATE', 'EXIT', 'PRI', 'MODEL', 'TOKENS', 'COST$', 'TIME'] as const;

/** One row of the table: the record's columns as strings. TIME is run time (or wait so far when not started). */
function row(p: ProcRecord, now: number): string[] {
  const end = p.finished ?? now;
  const time = duration(end - (p.started ?? p.created));
  return [
    String(p.pid),
    String(p.ppid),
    p.owner,
    p.state,
    p.exit ?? '-',
    String(p.priority),
    p.model ?? p.task.model,
    String(p.usage.prompt_tokens + p.usage.completion_tokens),
    p.usage.cost_usd.toFixed(4),
    time,
  ].map((c) => c.replace(/[\x00-\x1f\x7f]/g, '?')); // owner and model come from clients: no terminal escapes
}

/** The records as an aligned text table, one line per process, header first; `width` cuts long lines. */
export function procTable(procs: ProcRecord[], now = Date.now(), width = Infinity): string[] {
  const rows = [[...COLUMNS], ...procs.map((p) => row(p, now))];
  const widths = COLUMNS.map((_, i) => Math.min(32, Math.max(...rows.map((r) => r[i].length))));
  return rows.map((r) => r.map((c, i) => (c.length > widths[i] ? c.slice(0, widths[i] - 1) + '…' : c.padEnd(widths[i]))).join('  ').trimEnd().slice(0, width));
}
