/** Every dependency-injection token, in one place. */
export const TOKENS = {
  Kernel: Symbol.for('llmos.Kernel'),
  Logger: Symbol.for('llmos.Logger'),
  DataDir: Symbol.for('llmos.DataDir'),
  // per-process child container
  ProcSignal: Symbol.for('llmos.proc.Signal'),
  ProcBudget: Symbol.for('llmos.proc.Budget'),
  ProcLogger: Symbol.for('llmos.proc.Logger'),
  Proc: Symbol.for('llmos.proc.Process'),
} as const;
