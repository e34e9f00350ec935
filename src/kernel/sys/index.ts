import type { Kernel } from '../kernel.js';
import { procRecord } from '../proc.js';
import { procSyscalls } from './sysproc.js';
import { sysInfo, sysSyscalls } from './sysinfo.js';

/** The kernel's own syscalls and resources; plugins add theirs through the same tables. */
export function registerCoreSyscalls(k: Kernel): void {
  for (const s of [...procSyscalls(k), ...sysSyscalls(k)]) k.syscalls.add(s);
  k.resources.add({ name: 'sys', title: 'System', description: 'sys_info as a resource.', uri: 'llmos://sys', read: () => sysInfo(k) });
  k.resources.add({ name: 'plugins', title: 'Plugins', description: 'Loaded plugins and what each provides.', uri: 'llmos://plugins', read: () => ({ plugins: k.plugins }) });
  k.resources.add({
    name: 'procs',
    title: 'Process table',
    description: 'Live and recently exited processes (newest 100) with counts.',
    uri: 'llmos://proc',
    read: () => ({ counts: k.procs.counts(), procs: [...k.procs.scan(Math.max(0, k.procs.lastPid - 100))].map(procRecord) }),
  });
  k.resources.add({
    name: 'proc',
    title: 'Process',
    description: 'One process record.',
    template: 'llmos://proc/{pid}',
    read: (_uri, vars) => procRecord(k.procs.must(Number(vars.pid))),
    list: () => [...k.procs.scan(Math.max(0, k.procs.lastPid - 100))].map((p) => ({ uri: `llmos://proc/${p.pid}`, name: `pid ${p.pid} (${p.state})` })),
    complete: { pid: (prefix) => [...k.procs.scan(0)].map((p) => String(p.pid)).filter((s) => s.startsWith(prefix)).slice(-100) },
  });
  k.procs.on('state', () => k.emit('resource', 'llmos://proc'));
}
