/** Every dependency-injection token, in one place. */
export const TOKENS = {
  Kernel: Symbol.for('llmos.Kernel'),
  Logger: Symbol.for('llmos.Logger'),
  DataDir: Symbol.for('llmos.DataDir'),
  // A process's child container (src/kernel/proc-scope.ts), resolved by its admission step and executor.
  /** The AbortSignal that ends the process (kill, deadline). */
  ProcSignal: Symbol.for('llmos.proc.Signal'),
  /** Its owner's budget handle: reserve(worst) → settle(actual). */
  ProcBudget: Symbol.for('llmos.proc.Budget'),
  /** The kernel logger bound to the process's pid and owner. */
  ProcLogger: Symbol.for('llmos.proc.Logger'),
} as const;
