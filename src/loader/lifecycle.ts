import type { Logger } from '../core/log.js';
import type { PluginDefinition, PluginLifecycle, PluginScope } from '../plugin-api/plugin.js';
import { namePluginError, pluginError } from './plugin-error.js';

type Hook = () => void | Promise<void>;

/** One plugin from the moment its register() is called. */
interface Life {
  def: PluginDefinition;
  options: unknown;
  scope: PluginScope;
  /** What register() returned; undefined while it runs or after it threw. */
  returned?: PluginLifecycle;
  /** scope.onClose hooks, in call order. */
  hooks: Hook[];
}

/**
 * The lifecycle of the loaded plugins (avvio style): register in order,
 * start in order, and close in reverse order everything whose register()
 * was called — on shutdown and on a failed boot alike. A plugin closes with
 * its returned stop(), then its definition's stop(), then its onClose hooks
 * in reverse; a failing close is logged and the rest still close.
 */
export class PluginLives {
  private readonly lives: Life[] = [];

  constructor(private readonly log: Logger) {}

  /** Calls register() with a scope from `makeScope`; the hooks its scope collects close with it even when register() throws. */
  async register(def: PluginDefinition, options: unknown, makeScope: (onClose: PluginScope['onClose']) => PluginScope): Promise<void> {
    const hooks: Hook[] = [];
    const life: Life = { def, options, hooks, scope: makeScope((fn) => void hooks.push(fn)) };
    this.lives.push(life);
    try {
      life.returned = (await def.register(life.scope, options)) ?? {};
    } catch (e) {
      throw namePluginError(def.name, 'register()', e);
    }
  }

  /** Starts every registered plugin in order, each bounded by `timeoutMs`; the first failure is thrown, naming its plugin. */
  async start(timeoutMs: number): Promise<void> {
    for (const { def, options, scope, returned } of this.lives) {
      const steps = [returned?.start && (() => returned.start!()), def.start && (() => def.start!(scope, options))].filter((s): s is Hook => !!s);
      for (const step of steps) {
        try {
          await withTimeout(Promise.resolve(step()), timeoutMs, () => pluginError(def.name, `start() ran past its timeout of ${timeoutMs} ms; check what it waits on or raise LLMOS_PLUGIN_START_TIMEOUT_MS.`));
        } catch (e) {
          throw namePluginError(def.name, 'start()', e);
        }
      }
    }
  }

  /** Closes every plugin whose register() was called, in reverse order; runs once. */
  async stop(): Promise<void> {
    const lives = this.lives.splice(0).reverse();
    for (const { def, scope, returned, hooks } of lives) {
      const steps = [returned?.stop && (() => returned.stop!()), returned && def.stop && (() => def.stop!(scope)), ...[...hooks].reverse()];
      for (const step of steps) {
        if (!step) continue;
        try {
          await step();
        } catch (e) {
          this.log.error({ err: e, plugin: def.name }, 'plugin stop failed');
        }
      }
    }
  }
}

async function withTimeout<T>(what: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([what, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(onTimeout()), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
