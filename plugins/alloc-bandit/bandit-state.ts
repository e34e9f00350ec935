import { costOf, taskTokens, type AllocationFeedback, type ModelInfo, type Task } from '../../src/plugin-api/index.js';
import { costFeatures, FEATURE_SET_VERSION, featurize } from './features.js';
import { Ridge } from './ridge.js';

/** Per-model learned state: quality over task features (LinUCB) and dollars per call. */
export interface ArmState {
  quality: Ridge;
  cost: Ridge;
}

/** Per context (task type × language) and model: pulls and summed quality (Thompson, UCB1). */
export interface ContextStat {
  n: number;
  s: number;
}

export interface BanditStateJson {
  version: 1;
  feature_set: number;
  words: number;
  observations: number;
  arms: Record<string, { quality: ReturnType<Ridge['toJSON']>; cost: ReturnType<Ridge['toJSON']> }>;
  contexts: Record<string, Record<string, ContextStat>>;
}

/** Calls whose cost is remembered as learned; a rating comes within this many calls of its exit. */
const COST_SEEN = 10_000;

export const contextKey = (task: Task): string => `${task.type ?? 'chat'}|${task.language ?? 'und'}`;

/**
 * Everything the bandit allocators learn, shared by the three policies so a
 * switch (alloc_set) keeps what was learned. Every feedback updates both the
 * LinUCB arms and the per-context counts.
 *
 * Quality contract: event.reward (in [0, 1]) when given; 0 when the call
 * failed; no quality update for a success without a rating (an exit alone
 * does not say the answer was right). Cost is learned once per successful call.
 */
export class BanditState {
  readonly arms = new Map<string, ArmState>();
  readonly contexts = new Map<string, Map<string, ContextStat>>();
  observations = 0;
  private readonly cache = new WeakMap<Task, Float64Array>();
  private readonly costCache = new WeakMap<Task, Float64Array>();
  /** Recent (pid, model) pairs whose cost was learned: the last COST_SEEN, in a ring (a Set's oldest entry is found past every deleted one). */
  private readonly costSeen = new Set<string>();
  private readonly costRing: string[] = [];
  private costAt = 0;
  /** Called after each update, e.g. to schedule a save. */
  onChange: () => void = () => {};

  constructor(readonly words: number, readonly ridgeReg = 1) {}

  features(task: Task): Float64Array {
    let x = this.cache.get(task);
    if (!x) this.cache.set(task, (x = featurize(task, this.words)));
    return x;
  }

  costFeatures(task: Task): Float64Array {
    let x = this.costCache.get(task);
    if (!x) this.costCache.set(task, (x = costFeatures(task, this.features(task))));
    return x;
  }

  arm(id: string): ArmState {
    let a = this.arms.get(id);
    if (!a) {
      const empty = { prompt: '', priority: 4, max_tokens: 1, model: 'auto', metadata: {} } as Task;
      a = { quality: new Ridge(this.features(empty).length, this.ridgeReg), cost: new Ridge(this.costFeatures(empty).length, 1e-2) };
      this.arms.set(id, a);
    }
    return a;
  }

  stat(task: Task, id: string): ContextStat {
    const key = contextKey(task);
    let c = this.contexts.get(key);
    if (!c) this.contexts.set(key, (c = new Map()));
    let s = c.get(id);
    if (!s) c.set(id, (s = { n: 0, s: 0 }));
    return s;
  }

  /** Mean quality of a model over every context, or undefined before its first rating. */
  overallQuality(id: string): number | undefined {
    let n = 0;
    let sum = 0;
    for (const c of this.contexts.values()) {
      const s = c.get(id);
      if (s) {
        n += s.n;
        sum += s.s;
      }
    }
    return n > 0 ? sum / n : undefined;
  }

  /** Expected dollars of one call: learned once seen, else the model's list price. */
  expectedCost(task: Task, m: ModelInfo): number {
    const a = this.arms.get(m.id);
    if (a && a.cost.n > 0) return Math.max(0, a.cost.predict(this.costFeatures(task)));
    const tokens = taskTokens(task);
    return costOf(m, tokens, Math.min(task.max_tokens, 256));
  }

  feedback(e: AllocationFeedback): void {
    const x = this.features(e.task);
    const a = this.arm(e.model);
    const q = e.reward !== undefined ? Math.min(1, Math.max(0, e.reward)) : e.ok ? undefined : 0;
    if (q !== undefined) {
      a.quality.update(x, q);
      const s = this.stat(e.task, e.model);
      s.n++;
      s.s += q;
    }
    if (e.ok && Number.isFinite(e.cost_usd) && e.cost_usd >= 0 && this.firstCostOf(e.pid, e.model)) a.cost.update(this.costFeatures(e.task), e.cost_usd);
    this.observations++;
    this.onChange();
  }

  /**
   * One call's cost is learned once: its exit and a later rating of it (or an
   * eval's score) report the same dollars. pid 0 is never a real process.
   */
  private firstCostOf(pid: number, model: string): boolean {
    if (pid === 0) return true;
    const key = `${pid}\u0000${model}`;
    if (this.costSeen.has(key)) return false;
    this.costSeen.add(key);
    const oldest = this.costRing[this.costAt];
    if (oldest !== undefined) this.costSeen.delete(oldest);
    this.costRing[this.costAt] = key;
    this.costAt = (this.costAt + 1) % COST_SEEN;
    return true;
  }

  toJSON(): BanditStateJson {
    return {
      version: 1,
      feature_set: FEATURE_SET_VERSION,
      words: this.words,
      observations: this.observations,
      arms: Object.fromEntries([...this.arms].map(([id, a]) => [id, { quality: a.quality.toJSON(), cost: a.cost.toJSON() }])),
      contexts: Object.fromEntries([...this.contexts].map(([k, m]) => [k, Object.fromEntries(m)])),
    };
  }

  /** Restores saved state; returns false (and keeps the empty state) when it was made with other features. */
  load(j: BanditStateJson): boolean {
    if (j.version !== 1 || j.feature_set !== FEATURE_SET_VERSION || j.words !== this.words) return false;
    for (const [id, a] of Object.entries(j.arms)) this.arms.set(id, { quality: Ridge.from(a.quality), cost: Ridge.from(a.cost) });
    for (const [k, m] of Object.entries(j.contexts)) this.contexts.set(k, new Map(Object.entries(m)));
    this.observations = j.observations;
    return true;
  }
}
