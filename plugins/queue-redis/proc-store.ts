import type { Redis } from 'ioredis';
import { procSnapshot, type ProcSnapshot, type ProcState, type ProcView, type Task } from '../../src/plugin-api/index.js';
import type { ClusterKeys } from './keys.js';

/** One process as every node sees it: its record without the task (stored apart, once), with its current priority. */
export type SharedRecord = Omit<ProcSnapshot, 'task'> & { priority: number };

/** The hash of one process. `node` is the node that wrote it last. */
export interface SharedProc {
  state: ProcState;
  node: string;
  rec: SharedRecord;
  /** The full task (prompt included); written once, by the first writer. */
  task?: Task;
}

/** A feed entry: a process changed, or a node asks whoever runs `pid` to kill it. */
export interface FeedEntry {
  id: string;
  pid: number;
  node: string;
  kill: boolean;
}

/**
 * Writes a process unless its shared copy has already exited ("exit once":
 * the first exit recorded wins, later writes are refused), and appends a feed
 * entry in the same atomic step. Returns 1 when written, 0 when refused.
 * KEYS: proc hash, feed. ARGV: pid, node, state, rec, task ('' keeps the stored one), feed max length, ttl (s) after exit.
 */
const WRITE_LUA = `
if redis.call('HGET', KEYS[1], 'state') == 'exited' then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[3], 'node', ARGV[2], 'rec', ARGV[4])
if ARGV[5] ~= '' then redis.call('HSETNX', KEYS[1], 'task', ARGV[5]) end
if ARGV[3] == 'exited' then redis.call('EXPIRE', KEYS[1], tonumber(ARGV[7])) end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[6], '*', 'pid', ARGV[1], 'node', ARGV[2])
return 1`;

type WithWrite = Redis & { llmosProcWrite(hash: string, feed: string, ...argv: string[]): Promise<number> };

export interface ProcStoreOptions {
  /** Approximate length the feed is trimmed to. */
  feedMaxLen: number;
  /** Seconds an exited process's hash is kept. */
  retentionS: number;
}

/** The shared process table: one Redis hash per pid, and a feed (stream) of changes. */
export class ProcStore {
  private readonly redis: WithWrite;

  constructor(
    redis: Redis,
    private readonly keys: ClusterKeys,
    readonly node: string,
    private readonly opts: ProcStoreOptions,
  ) {
    if (!('llmosProcWrite' in redis)) redis.defineCommand('llmosProcWrite', { numberOfKeys: 2, lua: WRITE_LUA });
    this.redis = redis as WithWrite;
  }

  /** Writes p as this node sees it now; false when the shared copy had already exited. */
  async write(p: ProcView, withTask: boolean): Promise<boolean> {
    const { task, ...rest } = procSnapshot(p);
    const rec: SharedRecord = { ...rest, priority: task.priority };
    const n = await this.redis.llmosProcWrite(
      this.keys.proc(p.pid),
      this.keys.feed,
      String(p.pid),
      this.node,
      p.state,
      JSON.stringify(rec),
      withTask ? JSON.stringify(task) : '',
      String(this.opts.feedMaxLen),
      String(this.opts.retentionS),
    );
    return n === 1;
  }

  /** Asks the node running pid to kill it. */
  async requestKill(pid: number): Promise<void> {
    await this.redis.xadd(this.keys.feed, 'MAXLEN', '~', String(this.opts.feedMaxLen), '*', 'pid', String(pid), 'node', this.node, 'kill', '1');
  }

  async state(pid: number): Promise<string | null> {
    return this.redis.hget(this.keys.proc(pid), 'state');
  }

  /** Reads several processes in one round trip; absent (expired) ones are left out. */
  async readMany(pids: number[]): Promise<Map<number, SharedProc>> {
    const out = new Map<number, SharedProc>();
    if (!pids.length) return out;
    const pipe = this.redis.pipeline();
    for (const pid of pids) pipe.hgetall(this.keys.proc(pid));
    const rows = (await pipe.exec()) ?? [];
    rows.forEach(([err, h], i) => {
      const row = h as Record<string, string> | null;
      if (err || !row?.rec) return;
      out.set(pids[i], { state: row.state as ProcState, node: row.node, rec: JSON.parse(row.rec), task: row.task ? JSON.parse(row.task) : undefined });
    });
    return out;
  }

  async read(pid: number): Promise<SharedProc | undefined> {
    return (await this.readMany([pid])).get(pid);
  }

  /**
   * Waits up to blockMs for feed entries after `after` ('0' = from the start).
   * Needs a connection of its own: XREAD BLOCK holds it.
   */
  async readFeed(conn: Redis, after: string, blockMs: number, count = 512): Promise<FeedEntry[]> {
    const res = await conn.xread('COUNT', count, 'BLOCK', blockMs, 'STREAMS', this.keys.feed, after);
    const entries = res?.[0]?.[1] ?? [];
    return entries.map(([id, fields]) => {
      const f: Record<string, string> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]] = fields[i + 1];
      return { id, pid: Number(f.pid), node: f.node, kill: f.kill === '1' };
    });
  }
}

/** The full record of a shared process; `fallback` is the task when none is stored yet (a known local copy's). */
export function sharedSnapshot(s: SharedProc, fallback?: Task): ProcSnapshot | undefined {
  const task = s.task ?? fallback;
  return task && { ...s.rec, task: { ...task, priority: s.rec.priority } };
}
