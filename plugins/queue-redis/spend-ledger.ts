import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Budget, HoldId, LedgerState, Spend, SpendLedger } from '../../src/plugin-api/index.js';
import type { ClusterKeys } from './keys.js';
import type { RedisPolicyStore } from './policy-store.js';

/**
 * Sums the holds of live instances (dropping those of instances whose
 * liveness key lapsed), refreshes the caller's liveness, and, when a hold
 * field is given, records the hold if spent + held + worst fits the limit:
 * one atomic step, so nodes racing for one account are serialized by Redis.
 * KEYS: spend hash, holds hash, caller's liveness key.
 * ARGV: liveness key prefix, lease ms, limit tokens, limit cost ('' = none),
 * worst tokens, worst cost, hold field ('' = only read), caller instance.
 * Returns {admitted 1/0, spent tokens, spent cost, held tokens, held cost} as strings.
 */
const RESERVE_LUA = `
redis.call('SET', KEYS[3], '1', 'PX', ARGV[2])
local ht, hc = 0, 0
local holds = redis.call('HGETALL', KEYS[2])
for i = 1, #holds, 2 do
  local who, t, c = string.match(holds[i + 1], '^(.*) (%S+) (%S+)$')
  if redis.call('EXISTS', ARGV[1] .. who) == 1 then ht = ht + tonumber(t); hc = hc + tonumber(c)
  else redis.call('HDEL', KEYS[2], holds[i]) end
end
local st = tonumber(redis.call('HGET', KEYS[1], 'tokens') or '0')
local sc = tonumber(redis.call('HGET', KEYS[1], 'cost_usd') or '0')
local ok = 0
if ARGV[7] ~= '' then
  local wt, wc = tonumber(ARGV[5]), tonumber(ARGV[6])
  local over = (ARGV[3] ~= '' and st + ht + wt > tonumber(ARGV[3])) or (ARGV[4] ~= '' and sc + hc + wc > tonumber(ARGV[4]))
  if not over then
    redis.call('HSET', KEYS[2], ARGV[7], ARGV[8] .. ' ' .. ARGV[5] .. ' ' .. ARGV[6])
    ok = 1
  end
end
local f = function(x) return string.format('%.17g', x) end
return {tostring(ok), f(st), f(sc), f(ht), f(hc)}`;

/**
 * Ends a hold and charges the actual spend, once: only a hold still present
 * is charged (a retried command or a second settle does nothing).
 * KEYS: spend hash, holds hash. ARGV: hold field, tokens, cost, expiry ms of the period's spend ('' = never).
 */
const SETTLE_LUA = `
if redis.call('HDEL', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('HINCRBYFLOAT', KEYS[1], 'tokens', ARGV[2])
redis.call('HINCRBYFLOAT', KEYS[1], 'cost_usd', ARGV[3])
if ARGV[4] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
return 1`;

type WithLedger = Redis & {
  llmosLedgerReserve(spend: string, holds: string, alive: string, ...argv: string[]): Promise<string[]>;
  llmosLedgerSettle(spend: string, holds: string, ...argv: string[]): Promise<number>;
};

const DAY = 86_400_000;
/** A finished day's or month's spend is kept a while after its last charge, then Redis drops it. */
const keepFor = (period: string) => (period.startsWith('d:') ? String(3 * DAY) : period.startsWith('m:') ? String(62 * DAY) : '');
/** Sums below 1e-12 are float dust from settling; they are zero. */
const clean = (x: number) => (Math.abs(x) < 1e-12 ? 0 : x);
const num = (x: number | undefined) => (x === undefined ? '' : String(x));

/**
 * Spend and account budgets in Redis, shared by every node of the cluster
 * (the SpendLedger contract; see RESERVE_LUA for the atomic step). Each
 * running ledger is an instance with a liveness key it refreshes every
 * lease/3; its holds count only while that key lives, so the holds of a node
 * that died lapse after one lease and do not eat the budget. Spend lives in
 * Redis, so it survives node restarts (and Redis restarts if Redis persists).
 */
export class RedisSpendLedger implements SpendLedger {
  private readonly redis: WithLedger;
  /** This start of this node: a restarted node never mistakes its old holds for live ones. */
  private readonly instance: string;
  private seq = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    redis: Redis,
    private readonly keys: ClusterKeys,
    node: string,
    private readonly leaseMs: number,
    /** policy_set changes, kept in the same Redis so a policy budget holds cluster-wide too. */
    readonly policy?: RedisPolicyStore,
  ) {
    if (!('llmosLedgerReserve' in redis)) {
      redis.defineCommand('llmosLedgerReserve', { numberOfKeys: 3, lua: RESERVE_LUA });
      redis.defineCommand('llmosLedgerSettle', { numberOfKeys: 2, lua: SETTLE_LUA });
    }
    this.redis = redis as WithLedger;
    this.instance = `${node}:${randomBytes(4).toString('hex')}`;
  }

  /** Starts refreshing this instance's liveness, and loads the cluster's policy. */
  async start(): Promise<void> {
    await this.policy?.start();
    await this.beat();
    this.timer = setInterval(() => void this.beat().catch(() => undefined), Math.max(100, Math.floor(this.leaseMs / 3)));
    this.timer.unref();
  }

  /** Stops refreshing and ends liveness at once: holds still open (calls never settled) stop counting. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.policy?.stop();
    if (this.redis.status !== 'ready') return; // never connected, or gone: the liveness key lapses by itself
    await this.redis.del(this.keys.ledgerInstance(this.instance));
  }

  private beat(): Promise<unknown> {
    return this.redis.set(this.keys.ledgerInstance(this.instance), '1', 'PX', this.leaseMs);
  }

  async state(account: string, period: string): Promise<LedgerState> {
    return (await this.run(account, period, {}, { tokens: 0, cost_usd: 0 }, '')).state;
  }

  async reserve(account: string, period: string, limit: Budget, worst: Spend): Promise<{ id: HoldId } | { refused: LedgerState }> {
    const field = `${this.instance}:${++this.seq}`;
    const r = await this.run(account, period, limit, worst, field);
    return r.admitted ? { id: JSON.stringify([account, period, field]) } : { refused: r.state };
  }

  async settle(id: HoldId, actual: Spend): Promise<void> {
    const [account, period, field] = JSON.parse(String(id)) as [string, string, string];
    await this.redis.llmosLedgerSettle(this.keys.spend(account, period), this.keys.holds(account, period), field, String(actual.tokens), String(actual.cost_usd), keepFor(period));
  }

  async budget(account: string): Promise<Budget | undefined> {
    const raw = await this.redis.hget(this.keys.budgets, account);
    return raw ? (JSON.parse(raw) as Budget) : undefined;
  }

  async setBudget(account: string, b: Budget): Promise<void> {
    // The policy version moves too: every node's cached limits are keyed on it.
    await this.redis.multi().hset(this.keys.budgets, account, JSON.stringify(b)).incr(this.keys.policyVersion).exec();
  }

  private async run(account: string, period: string, limit: Budget, worst: Spend, field: string): Promise<{ admitted: boolean; state: LedgerState }> {
    const k = this.keys;
    const out = await this.redis.llmosLedgerReserve(
      k.spend(account, period),
      k.holds(account, period),
      k.ledgerInstance(this.instance),
      k.ledgerInstance(''),
      String(this.leaseMs),
      num(limit.tokens),
      num(limit.cost_usd),
      String(worst.tokens),
      String(worst.cost_usd),
      field,
      this.instance,
    );
    const [ok, st, sc, ht, hc] = out.map(Number);
    return { admitted: ok === 1, state: { spent: { tokens: clean(st), cost_usd: clean(sc) }, reserved: { tokens: clean(ht), cost_usd: clean(hc) } } };
  }
}
