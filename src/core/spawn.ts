import type { z } from 'zod';
import type { ProcView } from './process.js';
import type { Task } from './task.js';

/**
 * Extends proc_spawn (e.g. kg-core's context_from_kg / remember). proc_spawn
 * accepts each hook's extra input fields; it calls beforeSpawn, in hook
 * registration order, before kernel.spawn (the task it returns is the one
 * that runs; a throw fails proc_spawn with that error and nothing is
 * spawned), and afterExit once the process has exited, before proc_spawn
 * {wait:true} answers. afterExit errors are logged; they never change the exit.
 */
export interface SpawnHook {
  readonly name: string;
  /** Extra proc_spawn input fields (a zod shape); names must not clash with the task's or another hook's. */
  readonly input: z.ZodRawShape;
  /** `args` holds this hook's own fields only (after parsing, so defaults are applied). */
  beforeSpawn?(task: Task, args: Record<string, unknown>, ctx: { owner: string }): Task | Promise<Task>;
  afterExit?(proc: ProcView, args: Record<string, unknown>): void | Promise<void>;
}
