import type { EventEmitter } from 'node:events';
import type { KernelApi, ModelView, ProcEventMap } from '../core/kernel-api.js';
import { estimatePromptTokens } from '../core/token-estimate.js';
import type { Kernel } from './kernel.js';
import type { ModelEntry } from './models.js';

/** A model-table entry as plugins see it (see ModelView). */
function modelView(k: Kernel, e: ModelEntry): ModelView {
  const info = e.backend.info;
  return {
    info,
    status: e.status === 'cooldown' && Date.now() >= e.cooldownUntil ? 'ready' : e.status,
    inflight: e.inflight,
    slotsInUse: k.res.inUse(info.id),
    lastHealth: e.lastHealth,
    cooldownUntil: e.status === 'cooldown' ? e.cooldownUntil : 0,
    retiring: e.retiring.map((r) => ({ version: r.backend.info.version, inflight: r.inflight })),
  };
}

/**
 * The kernel as plugins see it: KernelApi and nothing more. Plugins get this
 * object, never the Kernel, so they cannot reach its tables or change a
 * process's state except through the kernel's own transitions.
 */
export function kernelApi(k: Kernel): KernelApi {
  return {
    version: k.version,
    started: k.started,
    log: k.log,
    ...processApi(k),
    ...modelApi(k),
    ...policyApi(k),
  };
}

/** Processes: read, watch, spawn and signal them; syscalls and spawn hooks. */
function processApi(k: Kernel): Pick<KernelApi, 'proc' | 'mustProc' | 'procs' | 'watch' | 'onProc' | 'wait' | 'spawn' | 'spawnGroup' | 'kill' | 'nice' | 'rate' | 'syscall' | 'onSyscall' | 'spawnHooks' | 'profile'> {
  return {
    proc: (pid) => k.procs.get(pid),
    mustProc: (pid) => k.procs.must(pid),
    procs: (after) => k.procs.scan(after),
    watch: (pid, fn, opts) => k.procs.watch(pid, fn, opts),
    onProc: (event, fn) => {
      // ProcEventMap is ProcEvents with ProcView for Process: every listener of one fits the other.
      const table = k.procs as unknown as EventEmitter<ProcEventMap>;
      table.on(event, fn as never);
      return () => void table.off(event, fn as never);
    },
    wait: (pid, timeoutMs, signal) => k.procs.wait(pid, timeoutMs, signal),
    spawn: (input, owner, opts) => k.spawn(input, owner, opts?.ppid),
    spawnGroup: (input, owner, opts) => k.spawnGroup(input, owner, opts?.ppid),
    kill: (pid, reason) => k.kill(pid, reason),
    nice: (pid, priority) => k.nice(pid, priority),
    rate: (pid, rating) => k.rate(pid, rating),
    syscall: (name, input, ctx) => k.syscalls.dispatch(name, input, ctx),
    onSyscall: (fn) => {
      k.syscalls.on('done', fn);
      return () => void k.syscalls.off('done', fn);
    },
    spawnHooks: () => k.spawnHooks,
    profile: (task) => k.profile(task),
  };
}

/** Models: views of them (never their backends), and their lifecycle. */
function modelApi(k: Kernel): Pick<KernelApi, 'model' | 'mustModel' | 'models' | 'availableModels' | 'addModel' | 'updateModel' | 'drainModel' | 'removeModel' | 'probeModel' | 'countPrompt' | 'onModels'> {
  return {
    model: (id) => {
      const e = k.models.get(id);
      return e && modelView(k, e);
    },
    mustModel: (id) => modelView(k, k.models.must(id)),
    models: () => k.models.all().map((e) => modelView(k, e)),
    availableModels: (owner) => k.models.available().filter((m) => (!m.owner || m.owner === owner) && k.policy.mayUseModel(owner, m.id)),
    addModel: (b) => k.addModel(b),
    updateModel: (b) => k.updateModel(b),
    drainModel: (id) => k.models.drain(id),
    removeModel: (id) => k.removeModel(id),
    probeModel: (id) => k.models.probe(id),
    countPrompt: async (id, prompt) => (await k.models.must(id).backend.countTokens?.(prompt)) ?? estimatePromptTokens(prompt),
    onModels: (fn) => {
      k.models.on('change', fn);
      return () => void k.models.off('change', fn);
    },
  };
}

/** Active policies, budgets, per-owner policy, notifications and permissions. */
function policyApi(k: Kernel): Pick<KernelApi, 'scheduler' | 'schedulerNames' | 'setScheduler' | 'allocator' | 'allocatorNames' | 'setAllocator' | 'budget' | 'setBudget' | 'policy' | 'notify' | 'isAdmin' | 'requireAdmin' | 'mayAct' | 'requireOwner'> {
  return {
    scheduler: () => k.schedulers.active(),
    schedulerNames: () => k.schedulers.names(),
    setScheduler: (name) => k.setScheduler(name),
    allocator: () => k.allocators.active(),
    allocatorNames: () => k.allocators.names(),
    setAllocator: (name) => k.setAllocator(name),
    budget: (owner) => k.res.budget(owner),
    setBudget: (owner, limit) => k.res.setBudget(owner, limit),
    policy: (owner) => k.policy.resolve(owner),
    notify: (uri) => void k.emit('resource', uri),
    isAdmin: (owner) => k.perms.isAdmin(owner),
    requireAdmin: (owner, what) => k.perms.requireAdmin(owner, what),
    mayAct: (owner, p) => k.perms.mayAct(owner, p),
    requireOwner: (owner, p, what) => k.perms.requireOwner(owner, p, what),
  };
}
