import { z } from 'zod';
import type { Kernel } from '../kernel.js';
import { defineSyscall } from '../../core/syscall.js';

export function sysInfo(k: Kernel) {
  const sched = k.schedulers.isActive() ? k.schedulers.active() : undefined;
  return {
    name: 'llmos',
    version: k.version,
    uptime_ms: Date.now() - k.started,
    data_dir: k.dataDir,
    transports: [...k.transports],
    plugins: k.plugins,
    scheduler: sched?.name ?? null,
    allocator: k.allocators.isActive() ? k.allocators.active().name : null,
    counts: {
      procs: k.procs.counts(),
      last_pid: k.procs.lastPid,
      queued: sched?.size() ?? 0,
      models: k.models.all().length,
      syscalls: k.syscalls.list().length,
    },
  };
}

const count = z.number().int();
export const SysInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  uptime_ms: z.number(),
  data_dir: z.string(),
  transports: z.array(z.string()),
  plugins: z.array(z.object({ name: z.string(), version: z.string(), provides: z.array(z.string()), module: z.string() })),
  scheduler: z.string().nullable(),
  allocator: z.string().nullable(),
  counts: z.object({
    procs: z.object({ new: count, ready: count, running: count, blocked: count, exited: count }),
    last_pid: count,
    queued: count,
    models: count,
    syscalls: count,
  }),
  you: z.object({ owner: z.string(), admin: z.boolean().describe('May call admin syscalls and act on any process (LLMOS_ADMINS).') }).optional(),
});

export const sysSyscalls = (k: Kernel) => [
  defineSyscall({
    name: 'sys_info',
    toolset: 'admin',
    title: 'System information',
    description: 'Server version, uptime, plugins, active scheduler and allocator, process counts, and who you are (owner, admin or not).',
    input: z.object({}),
    output: SysInfoSchema,
    annotations: { readOnlyHint: true, idempotentHint: true },
    handler: (_, ctx) => ({ ...sysInfo(k), you: { owner: ctx.owner, admin: k.perms.isAdmin(ctx.owner) } }),
  }),
];
