import { EventEmitter } from 'node:events';
import { LlmosError } from '../core/errors.js';
import type { ModelBackend, ModelHealth, ModelInfo } from '../core/model.js';

export type ModelStatus = 'ready' | 'cooldown' | 'draining';

export interface ModelEntry {
  backend: ModelBackend;
  status: ModelStatus;
  /** Calls in flight on this entry's current backend version. */
  inflight: number;
  lastHealth?: ModelHealth & { at: number };
  /** Failure times inside the cooldown window. */
  failures: number[];
  cooldownUntil: number;
  /** Drained older versions, closed when their last call ends. */
  retiring: Array<{ backend: ModelBackend; inflight: number }>;
}

export interface CooldownPolicy {
  /** Failures within windowMs that open the breaker. */
  failures: number;
  windowMs: number;
  /** How long the model is skipped once open. */
  cooldownMs: number;
}

/**
 * The model table: every registered backend, its version, health and
 * breaker state. New processes take the current version; calls already in
 * flight keep the backend they started on (see lease()).
 */
export class ModelTable extends EventEmitter<{ change: [id: string] }> {
  private readonly entries = new Map<string, ModelEntry>();

  constructor(public cooldown: CooldownPolicy = { failures: 3, windowMs: 30_000, cooldownMs: 15_000 }) {
    super();
    this.setMaxListeners(0);
  }

  add(backend: ModelBackend): void {
    const id = backend.info.id;
    if (this.entries.has(id)) throw new LlmosError('LLMOS_EEXIST', `model "${id}" is already registered; use model_update to change it.`);
    this.entries.set(id, { backend, status: 'ready', inflight: 0, failures: [], cooldownUntil: 0, retiring: [] });
    this.emit('change', id);
  }

  /** Swaps in a new version; in-flight calls finish on the old one, which is closed afterwards. */
  async update(backend: ModelBackend): Promise<void> {
    const e = this.must(backend.info.id);
    const old = { backend: e.backend, inflight: e.inflight };
    e.backend = backend;
    e.inflight = 0;
    e.status = 'ready';
    e.failures = [];
    e.cooldownUntil = 0;
    if (old.inflight === 0) await old.backend.close();
    else e.retiring.push(old);
    this.emit('change', backend.info.id);
  }

  /** Removes at once; the caller has already drained or killed the model's processes. */
  async remove(id: string): Promise<void> {
    const e = this.must(id);
    this.entries.delete(id);
    await Promise.allSettled([e.backend.close(), ...e.retiring.map((r) => r.backend.close())]);
    this.emit('change', id);
  }

  drain(id: string): void {
    this.must(id).status = 'draining';
    this.emit('change', id);
  }

  get(id: string): ModelEntry | undefined {
    return this.entries.get(id);
  }

  must(id: string): ModelEntry {
    const e = this.entries.get(id);
    if (!e) throw new LlmosError('LLMOS_ENOMODEL', `no model "${id}"; list the registered ones with model_list.`, { model: id });
    return e;
  }

  all(): ModelEntry[] {
    return [...this.entries.values()];
  }

  /** Models that may take new work now: not draining, not cooling down. */
  available(now = Date.now()): ModelInfo[] {
    const out: ModelInfo[] = [];
    for (const e of this.entries.values()) {
      if (e.status === 'cooldown' && now >= e.cooldownUntil) e.status = 'ready';
      if (e.status === 'ready') out.push(e.backend.info);
    }
    return out;
  }

  /** Pins the current backend for one call; release() closes a retired version after its last call. */
  lease(id: string): { backend: ModelBackend; release: () => void } {
    const e = this.must(id);
    const backend = e.backend;
    e.inflight++;
    let done = false;
    return {
      backend,
      release: () => {
        if (done) return;
        done = true;
        if (e.backend === backend) e.inflight--;
        else {
          const r = e.retiring.find((x) => x.backend === backend);
          if (r && --r.inflight === 0) {
            e.retiring.splice(e.retiring.indexOf(r), 1);
            void backend.close();
          }
        }
        this.emit('change', id);
      },
    };
  }

  recordSuccess(id: string): void {
    const e = this.entries.get(id);
    if (e) e.failures = [];
  }

  /** Counts a failure; opens the breaker after cooldown.failures within the window. */
  recordFailure(id: string, now = Date.now()): void {
    const e = this.entries.get(id);
    if (!e) return;
    e.failures = e.failures.filter((t) => t > now - this.cooldown.windowMs);
    e.failures.push(now);
    if (e.failures.length >= this.cooldown.failures && e.status === 'ready') {
      e.status = 'cooldown';
      e.cooldownUntil = now + this.cooldown.cooldownMs;
      e.failures = [];
      this.emit('change', id);
    }
  }

  async probe(id: string): Promise<ModelHealth> {
    const e = this.must(id);
    const t0 = Date.now();
    let h: ModelHealth;
    try {
      h = await e.backend.health();
    } catch (err) {
      h = { ok: false, detail: err instanceof Error ? err.message : String(err) };
    }
    e.lastHealth = { latency_ms: Date.now() - t0, ...h, at: Date.now() };
    return h;
  }
}
