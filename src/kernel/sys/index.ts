import type { Kernel } from '../kernel.js';
import type { Reader } from '../../core/resource.js';
import { procRecord } from '../../core/process.js';
import { procSyscalls } from './sysproc.js';
import { sysInfo, sysSyscalls } from './sysinfo.js';
import { policySyscalls } from './syspolicy.js';

/** The kernel's own syscalls and resources; plugins add theirs through the same tables. */
export function registerCoreSyscalls(k: Kernel): void {
  for (const s of [...procSyscalls(k), ...sysSyscalls(k), ...policySyscalls(k)]) k.syscalls.add(s);
  k.resources.add({ name: 'sys', title: 'System', description: 'sys_info as a resource.', uri: 'llmos://sys', read: () => sysInfo(k) });
  k.resources.add({ name: 'plugins', title: 'Plugins', description: 'Loaded plugins and what each provides.', uri: 'llmos://plugins', read: () => ({ plugins: k.plugins }) });
  /** The newest 100 processes the reader may see. */
  const recent = (reader?: Reader) => [...k.procs.scan(Math.max(0, k.procs.lastPid - 100))].filter((p) => !reader || k.perms.mayAct(reader.owner, p));
  k.resources.add({
    name: 'procs',
    title: 'Process table',
    description: 'Live and recently exited processes (newest 100) with counts; a session that is not an admin sees only its own.',
    uri: 'llmos://proc',
    read: (_uri, _vars, reader) => ({ counts: k.procs.counts(), procs: recent(reader).map(procRecord) }),
  });
  k.resources.add({
    name: 'proc',
    title: 'Process',
    description: 'One process record.',
    template: 'llmos://proc/{pid}',
    read: (_uri, vars, reader) => {
      const p = k.procs.must(Number(vars.pid));
      if (reader) k.perms.requireOwner(reader.owner, p, 'read');
      return procRecord(p);
    },
    list: (reader) => recent(reader).map((p) => ({ uri: `llmos://proc/${p.pid}`, name: `pid ${p.pid} (${p.state})` })),
    complete: { pid: (prefix, reader) => [...k.procs.scan(0)].filter((p) => !reader || k.perms.mayAct(reader.owner, p)).map((p) => String(p.pid)).filter((s) => s.startsWith(prefix)).slice(-100) },
  });
  k.procs.on('state', () => k.emit('resource', 'llmos://proc'));
}
