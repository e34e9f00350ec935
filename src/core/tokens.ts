/**
 * Every dependency-injection token, in one place. Plugins provide and
 * resolve services through their scope (scope.provide / scope.resolve); the
 * kernel keeps per-process services in each process's child container.
 */
export const TOKENS = {
  // Services plugins provide to each other.
  /** The active KnowledgeStore (kg-embedded or kg-neo4j; see claimKgStore). */
  KgStore: Symbol.for('llmos.kg.Store'),
  /** The performance table (model × task type) that model-core keeps and allocators read. */
  PerfTable: Symbol.for('llmos.PerfTable'),
  // A process's child container (src/kernel/proc-scope.ts), resolved by its admission step and executor.
  /** The AbortSignal that ends the process (kill, deadline). */
  ProcSignal: Symbol.for('llmos.proc.Signal'),
  /** Its owner's budget handle: reserve(worst) → settle(actual). */
  ProcBudget: Symbol.for('llmos.proc.Budget'),
  /** The kernel logger bound to the process's pid and owner. */
  ProcLogger: Symbol.for('llmos.proc.Logger'),
} as const;

/** Where a backend plugin provides the model_register factory of `kind` (see ModelFactory). */
export const modelFactoryToken = (kind: string): symbol => Symbol.for(`llmos.modelFactory.${kind}`);
