import { LlmosError, unreachableEndpoint, type KernelApi, type Logger, type ModelBackend, type ModelConfig, type PluginScope, type Process } from '../../src/plugin-api/index.js';
import type { Db } from './db.js';
import { findFactory } from './factories.js';

export interface RemoveOutcome {
  removed: boolean;
  /** "removed", or "draining" when timeout_ms passed first (removal still happens once idle). */
  status: 'removed' | 'draining';
  /** Processes still running on the model. */
  inflight: number;
  killed: number[];
}

/** A live process allocated to, or running on, the model. */
const runsOn = (p: Process, id: string) => (p.state === 'running' || p.state === 'blocked') && (p.model === id || p.allocation?.model === id);

/**
 * Runtime deployment on top of the kernel's model table: build a backend from
 * a config through its kind's factory, admit it only after a health probe,
 * swap versions without dropping calls, drain or force-remove. Configs of
 * runtime-registered models are kept in SQLite and restored at start.
 */
export class ModelManager {
  private readonly configs = new Map<string, ModelConfig>();
  private readonly drains = new Map<string, Promise<void>>();

  constructor(
    private readonly kernel: KernelApi,
    /** Where model factories are found (the plugin's scope). */
    private readonly services: Pick<PluginScope, 'resolve' | 'has'>,
    private readonly db: Db,
    private readonly log: Logger,
    private readonly probeTimeoutMs = 10_000,
  ) {}

  /** Config given to model_register, or undefined for models a plugin loaded from its own config. */
  config(id: string): ModelConfig | undefined {
    return this.configs.get(id);
  }

  isDraining(id: string): boolean {
    return this.drains.has(id);
  }

  /** Processes live on the model now (allocated or running), plus calls still holding an old version. */
  inflight(id: string): number {
    const e = this.kernel.model(id);
    let n = 0;
    for (const p of this.kernel.procs()) if (runsOn(p, id)) n++;
    const leases = (e?.inflight ?? 0) + (e?.retiring.reduce((s, r) => s + r.inflight, 0) ?? 0);
    return Math.max(n, leases);
  }

  async register(cfg: ModelConfig, persist = true): Promise<ModelBackend> {
    if (this.kernel.model(cfg.id)) throw new LlmosError('LLMOS_EEXIST', `model "${cfg.id}" is already registered; change it with model_update or remove it first with model_remove.`, { model: cfg.id });
    const b = await this.build(cfg);
    try {
      this.kernel.addModel(b);
    } catch (e) {
      await b.close().catch(() => undefined);
      throw e;
    }
    this.configs.set(cfg.id, cfg);
    if (persist) this.persist(cfg);
    this.log.info({ model: cfg.id, kind: cfg.kind, version: b.info.version }, 'model registered');
    return b;
  }

  /**
   * Builds the new version from the stored config with `patch` applied, probes
   * it, then swaps it in: calls in flight finish on the old version (closed
   * after its last call), every later call uses the new one.
   */
  async update(id: string, patch: Partial<ModelConfig>): Promise<{ previous: string; current: string }> {
    const e = this.kernel.mustModel(id);
    if (this.drains.has(id)) throw new LlmosError('LLMOS_EUNAVAILABLE', `model "${id}" is being removed (draining); register it again once model_remove finishes.`, { model: id });
    const base = this.configs.get(id);
    if (!base && !patch.kind)
      throw new LlmosError(
        'LLMOS_EINVAL',
        `model "${id}" was loaded by plugin "${e.info.backend}" from its own options, so model_update has no config to change; give a full config including "kind", or change the plugin's options in llmos.plugins.json.`,
        { model: id },
      );
    const cfg = { ...base, ...patch, id } as ModelConfig;
    const b = await this.build(cfg);
    const previous = e.info.version;
    await this.kernel.updateModel(b);
    this.configs.set(id, cfg);
    this.persist(cfg);
    this.log.info({ model: id, previous, current: b.info.version }, 'model updated');
    return { previous, current: b.info.version };
  }

  /**
   * Drain: no new allocations, waits for the processes on the model, then
   * removes it. Waits at most timeoutMs; after that the drain continues and
   * the answer says "draining". Force: kills those processes and removes at once.
   */
  async remove(id: string, force: boolean, timeoutMs: number): Promise<RemoveOutcome> {
    this.kernel.mustModel(id);
    if (force) {
      const killed: number[] = [];
      const why = new LlmosError('LLMOS_EKILLED', `model "${id}" was removed with force; spawn again with another model or "auto".`, { model: id });
      for (const p of this.kernel.procs())
        if (runsOn(p, id) || (p.state === 'ready' && p.task.model === id)) {
          this.kernel.kill(p.pid, why);
          killed.push(p.pid);
        }
      await this.drop(id);
      return { removed: true, status: 'removed', inflight: 0, killed };
    }
    let drain = this.drains.get(id);
    if (!drain) {
      drain = this.drain(id)
        .catch((e: unknown) => this.log.error({ model: id, err: e }, 'draining a model failed'))
        .finally(() => this.drains.delete(id));
      this.drains.set(id, drain);
    }
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([drain.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutMs)))]);
    clearTimeout(timer);
    if (finished && !this.kernel.model(id)) return { removed: true, status: 'removed', inflight: 0, killed: [] };
    if (finished) throw new LlmosError('LLMOS_EINTERNAL', `draining model "${id}" failed; see the server log, then retry model_remove (with force:true to skip the drain).`);
    return { removed: false, status: 'draining', inflight: this.inflight(id), killed: [] };
  }

  /** Re-registers the models deployed before a restart; one that fails its probe is logged and kept for the next start. */
  async restore(): Promise<void> {
    const rows = this.db.prepare('SELECT config FROM registrations ORDER BY updated').all() as Array<{ config: string }>;
    await Promise.all(
      rows.map(async ({ config }) => {
        const cfg = JSON.parse(config) as ModelConfig;
        try {
          await this.register(cfg, false);
        } catch (e) {
          this.log.warn({ model: cfg.id, err: e instanceof Error ? e.message : String(e) }, 'could not restore a registered model; it stays stored: fix the endpoint and restart, or model_remove it once registered');
        }
      }),
    );
  }

  private async drain(id: string): Promise<void> {
    const k = this.kernel;
    k.drainModel(id);
    await new Promise<void>((resolve) => {
      const check = () => {
        if (k.model(id) && this.inflight(id) > 0) return;
        offExit();
        offModels();
        resolve();
      };
      const offExit = k.onProc('exit', check);
      const offModels = k.onModels(check);
      check();
    });
    if (k.model(id)) await this.drop(id);
  }

  private async drop(id: string): Promise<void> {
    await this.kernel.removeModel(id);
    this.configs.delete(id);
    this.db.prepare('DELETE FROM registrations WHERE id = ?').run(id);
    this.log.info({ model: id }, 'model removed');
  }

  private persist(cfg: ModelConfig): void {
    this.db.prepare('INSERT INTO registrations (id, config, updated) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET config = excluded.config, updated = excluded.updated').run(cfg.id, JSON.stringify(cfg), Date.now());
  }

  /** Factory, identity check, then the admission probe (the same LLMOS_EUNAVAILABLE whatever made it fail). */
  private async build(cfg: ModelConfig): Promise<ModelBackend> {
    const factory = findFactory((t) => this.services.resolve(t), (t) => this.services.has(t), cfg.kind);
    const b = await factory.create(cfg, { log: this.log });
    const fail = async (err: LlmosError) => {
      await b.close().catch(() => undefined);
      return err;
    };
    if (b.info.id !== cfg.id) throw await fail(new LlmosError('LLMOS_EINTERNAL', `the "${cfg.kind}" factory built model "${b.info.id}" for id "${cfg.id}"; this is a bug in the plugin providing kind "${cfg.kind}".`));
    let timer: NodeJS.Timeout | undefined;
    const health = await Promise.race([
      b.health().catch((e: unknown) => ({ ok: false, detail: e instanceof Error ? e.message : String(e) })),
      new Promise<{ ok: false; detail: string }>((r) => (timer = setTimeout(() => r({ ok: false, detail: `no answer within ${this.probeTimeoutMs} ms` }), this.probeTimeoutMs))),
    ]);
    clearTimeout(timer);
    if (!health.ok) {
      // The cause (status, body, socket error) stays in the server log: the caller gets one answer for every failure.
      this.log.info({ model: cfg.id, kind: cfg.kind, detail: health.detail }, 'model refused: health probe failed');
      throw await fail(unreachableEndpoint(cfg.id));
    }
    return b;
  }
}
