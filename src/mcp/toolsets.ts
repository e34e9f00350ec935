import { LlmosError } from '../core/errors.js';
import type { Syscall } from '../core/syscall.js';
import type { Kernel } from '../kernel/kernel.js';

/** The toolsets the bundled syscalls declare, and what each is for (see Syscall.toolset). */
export const TOOLSETS: Readonly<Record<string, string>> = {
  proc: 'run model tasks as processes and follow them',
  models: 'list, probe, evaluate and compare models',
  kg: 'the knowledge graph shared by tasks',
  alloc: 'which model the allocator picks, and feedback that teaches it',
  sched: 'the scheduler, its statistics and capacity planning',
  collab: 'several models on one task: ensemble, debate, chain',
  admin: 'server settings: register, update and remove models; policy, budgets, system and cluster status',
};

/** What LLMOS_TOOLSETS=default (or unset) enables: running tasks, choosing models, and sizing the servers (the jobs the prompts do). */
export const DEFAULT_TOOLSETS: readonly string[] = ['proc', 'models', 'sched'];

/** Which tools a server offers: the enabled toolsets ('all': every one), and whether only read-only tools are. */
export interface ToolExposure {
  toolsets: ReadonlySet<string> | 'all';
  readOnly: boolean;
}

/** Every tool, writable ones too: what a server offers unless its host says otherwise. */
export const ALL_TOOLS: ToolExposure = { toolsets: 'all', readOnly: false };

const exposures = new WeakMap<Kernel, ToolExposure>();

/** Sets which tools every MCP session of `kernel` offers from now on (serve does, from LLMOS_TOOLSETS and --read-only). */
export function exposeTools(kernel: Kernel, exposure: ToolExposure): void {
  exposures.set(kernel, exposure);
}

export const exposureOf = (kernel: Kernel): ToolExposure => exposures.get(kernel) ?? ALL_TOOLS;

/** The toolset names LLMOS_TOOLSETS accepts with this kernel's syscalls: the bundled ones, every one a syscall declares, all and default. */
export function toolsetNames(kernel: Kernel): string[] {
  const names = new Set(Object.keys(TOOLSETS));
  for (const s of kernel.syscalls.list()) if (s.toolset) names.add(s.toolset);
  return [...names, 'all', 'default'];
}

/**
 * Parses LLMOS_TOOLSETS (a comma list; unset or empty: default) and
 * LLMOS_READ_ONLY (1/true/yes or 0/false/no). Refuses an unknown toolset or
 * flag value with LLMOS_EINVAL naming the valid ones, so a typo cannot
 * start a server that silently offers nothing.
 */
export function exposureFromEnv(kernel: Kernel, env: NodeJS.ProcessEnv = process.env): ToolExposure {
  const valid = toolsetNames(kernel);
  const asked = (env.LLMOS_TOOLSETS ?? '').split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
  const unknown = asked.filter((t) => !valid.includes(t));
  if (unknown.length)
    throw new LlmosError('LLMOS_EINVAL', `LLMOS_TOOLSETS names unknown toolset${unknown.length > 1 ? 's' : ''} ${unknown.map((t) => JSON.stringify(t.slice(0, 40))).join(', ')}; valid: ${valid.join(', ')}.`, { unknown, valid });
  const readOnly = flag(env.LLMOS_READ_ONLY);
  if (readOnly === undefined)
    throw new LlmosError('LLMOS_EINVAL', `LLMOS_READ_ONLY=${JSON.stringify(env.LLMOS_READ_ONLY).slice(0, 40)} is not a flag; set it to 1 or 0 (or true/false), or unset it.`);
  if (asked.includes('all')) return { toolsets: 'all', readOnly };
  const enabled = new Set(asked.length ? asked : ['default']);
  if (enabled.delete('default')) for (const t of DEFAULT_TOOLSETS) enabled.add(t);
  return { toolsets: enabled, readOnly };
}

/** A boolean env value: absent or empty is false; undefined when it is neither true nor false. */
function flag(v: string | undefined): boolean | undefined {
  const s = (v ?? '').trim().toLowerCase();
  if (['', '0', 'false', 'no', 'off'].includes(s)) return false;
  if (['1', 'true', 'yes', 'on'].includes(s)) return true;
  return undefined;
}

/** Whether a server with `exposure` offers the syscall as a tool. */
export function exposes(exposure: ToolExposure, s: Pick<Syscall, 'toolset' | 'annotations'>): boolean {
  if (exposure.readOnly && s.annotations.readOnlyHint !== true) return false;
  return exposure.toolsets === 'all' || exposure.toolsets.has(s.toolset ?? '');
}

/**
 * Throws the coded refusal for a tool the server does not offer, saying how
 * to enable it: LLMOS_EPERM when --read-only hides a tool that changes
 * state, LLMOS_ENOSYS when its toolset is not enabled.
 */
export function requireExposed(kernel: Kernel, name: string): void {
  const exposure = exposureOf(kernel);
  const s = kernel.syscalls.get(name);
  if (!s || exposes(exposure, s)) return; // an unknown name gets dispatch's own LLMOS_ENOSYS
  if (exposure.readOnly && s.annotations.readOnlyHint !== true)
    throw new LlmosError('LLMOS_EPERM', `${name} changes state and this server runs read-only (--read-only or LLMOS_READ_ONLY); restart it without read-only to call ${name}.`, { name, read_only: true });
  const toolset = s.toolset ?? '';
  const enabled = exposure.toolsets === 'all' ? [] : [...exposure.toolsets];
  throw new LlmosError('LLMOS_ENOSYS', `${name} is in toolset "${toolset}", which this server does not enable (enabled: ${enabled.join(', ') || 'none'}); restart it with LLMOS_TOOLSETS=${[...enabled, toolset].join(',')} (or --toolsets), or LLMOS_TOOLSETS=all.`, { name, toolset, enabled });
}
