import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { definePlugin, LlmosError, renamedOptions, z, type PluginScope, type RunHost } from '../../src/plugin-api/index.js';
import { clusterKeys } from './keys.js';
import { Lanes, type LaneOptions } from './lanes.js';
import { PidLease } from './pid-lease.js';
import { ProcStore } from './proc-store.js';
import { RedisReadyQueue } from './ready-queue.js';
import { RedisPolicyStore } from './policy-store.js';
import { RedisSpendLedger } from './spend-ledger.js';
import { clusterStatus } from './status-syscall.js';
import { TableSync } from './table-sync.js';

/** The plugin's options; Options also accepts their older camelCase names (deprecated). */
const OptionsObject = z.object({
  url: z.string().min(1).default('redis://127.0.0.1:6379').describe('Redis URL shared by every node of the cluster.'),
  prefix: z.string().min(1).default('llmos').describe('Key prefix; nodes with the same Redis and prefix form one cluster.'),
  node: z.string().min(1).optional().describe('This node\'s name in the cluster; default host:pid:random.'),
  pid_block: z.number().int().min(1).max(1_000_000).default(1000).describe('Pids leased from Redis at a time.'),
  lock_duration_ms: z.number().int().min(200).default(30_000).describe('A dead node\'s running jobs return to the queue after this long.'),
  stalled_interval_ms: z.number().int().min(100).default(15_000).describe('How often workers look for jobs of dead nodes.'),
  max_stalled_count: z.number().int().min(1).default(10).describe('Times one job may come back from dead nodes before it fails.'),
  node_slots: z.number().int().min(1).optional().describe('At most this many of each model\'s cluster-wide slots taken by this node; default all (the first node to ask keeps its slots busy).'),
  close_grace_ms: z.number().int().min(0).default(10_000).describe('On stop, how long calls in flight may finish before other nodes take them over.'),
  feed_max_len: z.number().int().min(100).default(10_000).describe('Approximate length of the process-change feed.'),
  retention_s: z.number().int().min(1).default(86_400).describe('Seconds an exited process stays in the shared table.'),
  shared_spend: z.boolean().default(true).describe('Keep spend, budgets and policy_set changes in Redis, so every node of the cluster holds one budget per account (false: each node\'s data dir keeps its own).'),
  ledger_lease_ms: z.number().int().min(1000).default(30_000).describe('The budget holds of a node that died stop counting after this long.'),
});
const Options = renamedOptions(OptionsObject, {
  pidBlock: 'pid_block',
  lockDurationMs: 'lock_duration_ms',
  stalledIntervalMs: 'stalled_interval_ms',
  maxStalledCount: 'max_stalled_count',
  nodeSlots: 'node_slots',
  closeGraceMs: 'close_grace_ms',
  feedMaxLen: 'feed_max_len',
  retentionS: 'retention_s',
  sharedSpend: 'shared_spend',
  ledgerLeaseMs: 'ledger_lease_ms',
});
type Options = z.output<typeof OptionsObject>;

/** This plugin's state for one kernel, kept in the kernel container (no module-level singleton). */
interface Cluster {
  redis: Redis;
  reader: Redis;
  pids: PidLease;
  store: ProcStore;
  sync: TableSync;
  lanes: Lanes;
  queue: RedisReadyQueue;
  ledger?: RedisSpendLedger;
  offModels?: () => void;
}
const STATE = Symbol.for('llmos.queue-redis.state');

/** ioredis with BullMQ's required settings. Lazy: nothing connects until start() sends the first command. */
const connect = (url: string, name: string) => new Redis(url, { maxRetriesPerRequest: null, connectionName: name, lazyConnect: true });

/**
 * Scale-out: the run queue on BullMQ and the process table on Redis, so
 * several LLMOS nodes share one queue and one process table. It fills four
 * kernel extension points: the ready queue (ready-queue.ts), the pid source
 * (pid-lease.ts: cluster-unique pids), the spend ledger (spend-ledger.ts:
 * one budget per account cluster-wide) and, through the ready queue's
 * RunHost, replicas of other nodes' processes (table-sync.ts: shared table,
 * cross-node kill). lanes.ts holds the per-model BullMQ queues, cluster-wide
 * slots and rpm, and dead-node recovery.
 */
function build<O extends z.ZodType<Options>>(options: O) {
  return definePlugin({
    name: 'queue-redis',
    version: '1.0.0',
    apiVersion: '^1.0.0',
    description: 'Cluster mode: run queue on BullMQ (Redis), shared process table, cluster-wide per-model slots and rate limits.',
    provides: ['queue', 'scheduler', 'syscall', 'ledger'],
    options,
    register(scope, o: Options) {
      const c = cluster(scope, o);
      scope.pidSource(() => c.pids.take());
      if (c.ledger) scope.spendLedger(c.ledger);
      scope.syscall(clusterStatus(o.prefix, c.lanes, c.sync));
      scope.provide<Cluster>(STATE, c);
    },
    async start(scope, o: Options) {
      const c = scope.resolve<Cluster>(STATE);
      await ping(c.redis, o).catch((e) => {
        c.redis.disconnect(); // stop ioredis reconnecting: a failed start gets no stop()
        c.reader.disconnect();
        throw e;
      });
      await c.pids.start();
      await c.ledger?.start();
      c.sync.start(c.reader);
      await c.lanes.reconcile();
      c.offModels = scope.kernel.onModels(() => void c.lanes.reconcile().catch((err) => scope.log.warn({ err }, 'could not update model queues')));
      c.queue.joined();
      scope.log.info({ node: c.store.node, prefix: o.prefix, models: c.lanes.models() }, 'joined the Redis cluster');
    },
    async stop(scope: PluginScope) {
      const c = scope.resolve<Cluster>(STATE);
      c.offModels?.();
      c.queue.left();
      c.pids.stop();
      await c.lanes.close();
      await c.sync.stop();
      await c.ledger?.stop().catch((err) => scope.log.warn({ err }, 'could not end this node\'s budget holds; they lapse after ledger_lease_ms'));
      // quit() lets queued writes finish; a client that never connected (start() did not run) just drops.
      await Promise.allSettled([c.redis, c.reader].map((r) => (r.status === 'ready' ? r.quit() : r.disconnect())));
    },
  });
}

/** Builds this node's cluster parts and makes their queue the kernel's ready queue; nothing connects yet. */
function cluster(scope: PluginScope, o: Options): Cluster {
  const node = o.node ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const keys = clusterKeys(o.prefix);
  const redis = connect(o.url, `llmos:${node}`);
  const reader = connect(o.url, `llmos:${node}:feed`);
  for (const c of [redis, reader]) c.on('error', (err) => scope.log.warn({ err: err.message }, 'Redis connection error'));
  const store = new ProcStore(redis, keys, node, { feedMaxLen: o.feed_max_len, retentionS: o.retention_s });
  const pids = new PidLease(redis, keys.pidCounter, o.pid_block);
  let parts: Pick<Cluster, 'sync' | 'lanes' | 'queue'> | undefined;
  scope.readyQueue((host: RunHost) => {
    const sync = new TableSync(scope.kernel, host, store, scope.log);
    const lanes = new Lanes(scope.kernel, host, redis, keys, store, sync, laneOptions(o), scope.log);
    parts = { sync, lanes, queue: new RedisReadyQueue(scope.kernel, host, lanes, sync, scope.log) };
    return parts.queue;
  });
  const ledger = o.shared_spend ? new RedisSpendLedger(redis, keys, node, o.ledger_lease_ms, new RedisPolicyStore(redis, keys, scope.log)) : undefined;
  return { redis, reader, pids, store, ledger, ...parts! };
}

export default build(Options);

/** The plugin with other option defaults (tests, embedding); options given in the config still win. */
export const queueRedis = (defaults: Partial<z.input<typeof OptionsObject>>) =>
  build(z.preprocess((v) => ({ ...defaults, ...(v && typeof v === 'object' ? v : {}) }), Options));

async function ping(redis: Redis, o: Options): Promise<void> {
  try {
    await Promise.race([redis.ping(), new Promise((_, rej) => setTimeout(() => rej(new Error('no answer within 5 s')), 5_000).unref())]);
  } catch (e) {
    throw new LlmosError('LLMOS_EPLUGIN', `queue-redis cannot reach Redis at ${o.url} (${e instanceof Error ? e.message : String(e)}); start redis-server or fix the "url" option.`);
  }
}

const laneOptions = (o: Options): LaneOptions => ({
  lockDurationMs: o.lock_duration_ms,
  stalledIntervalMs: o.stalled_interval_ms,
  maxStalledCount: o.max_stalled_count,
  closeGraceMs: o.close_grace_ms,
  nodeSlots: o.node_slots,
});
