import type { z } from 'zod';
import type { SpawnHook } from '../../core/spawn.js';
import type { Kernel } from '../kernel.js';
import type { Process } from '../proc.js';
import { onePromptForm, onePromptFormError, toolChoiceFits, toolChoiceFitsError } from '../../core/task.js';

type Base = z.ZodObject<z.ZodRawShape>;
const cache = new WeakMap<Kernel, { hooks: number; schema: Base }>();

/**
 * proc_spawn's input: `base` plus every spawn hook's fields, with the task's
 * own cross-field rules (so a breach is LLMOS_EINVAL at dispatch, not a throw
 * from the handler); rebuilt only when a hook was added.
 */
export function spawnInput<B extends Base>(k: Kernel, base: B): B {
  const hit = cache.get(k);
  if (hit?.hooks === k.spawnHooks.length) return hit.schema as B;
  const schema = base.extend(Object.assign({}, ...k.spawnHooks.map((h) => h.input))).refine(onePromptForm, onePromptFormError).refine(toolChoiceFits, toolChoiceFitsError) as unknown as B;
  cache.set(k, { hooks: k.spawnHooks.length, schema });
  return schema;
}

/** Splits parsed proc_spawn args into the task and each hook's own fields. */
export function spawnHookArgs(k: Kernel, args: Record<string, unknown>): { task: Record<string, unknown>; hooks: Array<[SpawnHook, Record<string, unknown>]> } {
  const task = { ...args };
  const hooks = k.spawnHooks.map((h): [SpawnHook, Record<string, unknown>] => {
    const own: Record<string, unknown> = {};
    for (const f of Object.keys(h.input)) {
      if (f in task) own[f] = task[f];
      delete task[f];
    }
    return [h, own];
  });
  return { task, hooks };
}

/** Resolves once `p` has exited and every hook's afterExit has settled; never rejects. */
export function afterExitHooks(k: Kernel, p: Process, hooks: Array<[SpawnHook, Record<string, unknown>]>): Promise<void> {
  const todo = hooks.filter(([h]) => h.afterExit);
  if (!todo.length) return Promise.resolve();
  const exited =
    p.state === 'exited'
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const on = (q: Process) => q === p && (k.procs.off('exit', on), resolve());
          k.procs.on('exit', on);
        });
  return exited.then(async () => {
    for (const [h, args] of todo)
      try {
        await h.afterExit!(p, args);
      } catch (e) {
        k.log.warn({ err: e, pid: p.pid, hook: h.name }, 'spawn hook afterExit failed');
      }
  });
}
