import { LlmosError, z, type KernelApi, type Process, type SpawnHook, type Task, type TaskInput } from '../../src/plugin-api/index.js';

/**
 * Passes a step's `kg` options to its child process: into the child's
 * metadata.kg, and through the kernel's spawn hooks (kg-core's
 * context_from_kg / remember) exactly as proc_spawn applies them. Hooks are
 * read from the kernel at each call, so ones registered after collab count.
 */
export class KgBridge {
  constructor(private readonly kernel: KernelApi) {}

  private get hooks(): readonly SpawnHook[] {
    return this.kernel.spawnHooks();
  }

  /** Throws LLMOS_EINVAL when `kg` is given but no plugin handles it, or does not fit a hook's input (so a call fails before anything is spawned). */
  check(kg: Record<string, unknown> | undefined): void {
    if (!kg) return;
    if (!this.hooks.length) throw new LlmosError('LLMOS_EINVAL', 'kg options need the kg-core plugin, which is not loaded; enable it in llmos.plugins.json or leave kg out.');
    for (const h of this.hooks) this.args(h, kg);
  }

  /** The task with kg recorded and, when hooks exist, applied (e.g. facts put into the system prompt). */
  async before(task: TaskInput, kg: Record<string, unknown> | undefined, owner: string): Promise<TaskInput> {
    if (!kg) return task;
    let out: TaskInput = { ...task, metadata: { ...task.metadata, kg } };
    for (const h of this.hooks) {
      if (!h.beforeSpawn) continue;
      const args = this.args(h, kg);
      // Hooks only read and rewrite prompt fields; the kernel parses the task again at spawn.
      out = (await h.beforeSpawn(out as Task, args, { owner })) as TaskInput;
    }
    return out;
  }

  /** Runs afterExit hooks (e.g. remember); their failures are theirs to log. */
  async after(p: Process, kg: Record<string, unknown> | undefined): Promise<void> {
    if (!kg) return;
    for (const h of this.hooks) if (h.afterExit) await h.afterExit(p, this.args(h, kg));
  }

  private args(h: SpawnHook, kg: Record<string, unknown>): Record<string, unknown> {
    const parsed = z.object(h.input).safeParse(kg);
    if (!parsed.success)
      throw new LlmosError('LLMOS_EINVAL', `invalid kg options for hook "${h.name}": ${parsed.error.issues.map((i) => `${i.path.join('.') || '(kg)'}: ${i.message}`).join('; ')}. Fix them as for proc_spawn.`);
    return parsed.data;
  }
}
