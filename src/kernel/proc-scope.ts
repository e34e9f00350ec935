import { instanceCachingFactory, type DependencyContainer } from 'tsyringe';
import type { Logger } from '../core/log.js';
import { TOKENS } from '../core/tokens.js';
import type { Process } from './proc.js';
import type { BudgetHandle, ResourceManager } from './resources.js';

/**
 * What one process's child container holds, resolved by the admission step
 * and the executor: the owner's budget handle (reserve/settle), the logger
 * bound to pid and owner, and the signal that ends the process.
 */
export interface ProcServices {
  budget: BudgetHandle;
  log: Logger;
  signal: AbortSignal;
}

/**
 * Returns the process's child container of `parent`, building it on first
 * use. Admission is the first user, so spawning never builds one.
 */
export function procContainer(parent: DependencyContainer, res: ResourceManager, log: Logger, p: Process): DependencyContainer {
  if (p.container) return p.container;
  const c = parent.createChildContainer();
  c.registerInstance(TOKENS.ProcBudget, res.handle(p.owner));
  // Built on first resolve: most processes never log.
  c.register(TOKENS.ProcLogger, { useFactory: instanceCachingFactory(() => log.child({ pid: p.pid, owner: p.owner })) });
  // Built on first resolve too: reading p.signal creates its AbortController.
  c.register(TOKENS.ProcSignal, { useFactory: () => p.signal });
  return (p.container = c);
}

/** The services a process's container holds; the logger and the signal are resolved when first read. */
export function procServices(c: DependencyContainer): ProcServices {
  return {
    budget: c.resolve(TOKENS.ProcBudget),
    get signal() {
      return c.resolve<AbortSignal>(TOKENS.ProcSignal);
    },
    get log() {
      return c.resolve<Logger>(TOKENS.ProcLogger);
    },
  };
}
