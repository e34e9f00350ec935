/**
 * Every Redis key and BullMQ queue name the cluster uses, under one prefix,
 * so several clusters (or test runs) can share one Redis.
 */
export interface ClusterKeys {
  /** BullMQ's own key prefix. */
  readonly bullPrefix: string;
  /** INCRBY counter pids are leased from. */
  readonly pidCounter: string;
  /** Change feed (a Redis stream): one entry per process-table write or kill request. */
  readonly feed: string;
  /** The hash holding one process: state, exit, node, rec (record JSON), task (task JSON). */
  proc(pid: number): string;
  /** The BullMQ queue of one model. */
  queueName(model: string): string;
  /** Hash of what an account spent in one period: tokens, cost_usd. */
  spend(account: string, period: string): string;
  /** Hash of the holds (calls in flight) against an account in one period: field → "instance tokens cost". */
  holds(account: string, period: string): string;
  /** Hash of account → its own budget (JSON), as budget_set wrote it. */
  readonly budgets: string;
  /** Hash of run-time policy entries (policy_set): pattern → policy JSON ("null" removes a config entry). */
  readonly policy: string;
  /** Counter bumped on every policy_set, so nodes know when to reload. */
  readonly policyVersion: string;
  /** Liveness key of one running spend ledger (see RedisSpendLedger); '' gives the prefix of them all. */
  ledgerInstance(instance: string): string;
}

export function clusterKeys(prefix: string): ClusterKeys {
  return {
    bullPrefix: `${prefix}:bull`,
    pidCounter: `${prefix}:pid`,
    feed: `${prefix}:procs:feed`,
    proc: (pid) => `${prefix}:proc:${pid}`,
    // BullMQ queue names may not contain ':'; model ids may ("org/model:tag"). base64url is safe and one-to-one.
    queueName: (model) => `model.${Buffer.from(model).toString('base64url')}`,
    spend: (account, period) => `${prefix}:spend:${period}:${account}`,
    holds: (account, period) => `${prefix}:holds:${period}:${account}`,
    budgets: `${prefix}:budgets`,
    policy: `${prefix}:policy`,
    policyVersion: `${prefix}:policy:version`,
    ledgerInstance: (instance) => `${prefix}:ledger:alive:${instance}`,
  };
}

/** BullMQ job ids must not be integers, so a pid's job is "p<pid>". */
export const jobIdOf = (pid: number): string => `p${pid}`;

/** LLMOS priority 0 (most urgent) … 9 maps to BullMQ 1 (highest) … 10; 0 would mean "no priority" there. */
export const bullPriority = (priority: number): number => priority + 1;
