import { join } from 'node:path';
import { definePlugin, z, Rng } from '../../src/plugin-api/index.js';
import { BanditAllocator, type BanditParams, type Policy } from './allocator.js';
import { BanditState, type BanditStateJson } from './bandit-state.js';
import { featureNames } from './features.js';
import { JsonStore } from './json-store.js';

export { BanditAllocator } from './allocator.js';

const Options = z.object({
  lambda: z.number().min(0).default(20).describe('Reward = quality − lambda × dollars per call.'),
  alpha: z.number().min(0).default(0.2).describe('LinUCB exploration width: how readily it tries models on kinds of task it knows little about.'),
  ucb_c: z.number().min(0).default(0.5).describe('UCB1 exploration constant.'),
  budget_share: z.number().min(0).max(1).default(0.24).describe('Spend target as a share of what always choosing the reference model would cost; when > 0, lambda is paced online to meet it. 0 keeps lambda fixed.'),
  budget_reference: z.string().default('').describe('Model id budget_share refers to; empty: the model with the best mean quality so far.'),
  budget_per_1k: z.number().min(0).default(0).describe('Spend target in dollars per 1,000 allocations; when > 0, lambda is paced online to meet it (with budget_share, the tighter target wins).'),
  pace_rate: z.number().positive().default(0.02).describe('Pacing step size.'),
  words: z.number().int().min(0).max(1024).default(0).describe('Hashed word buckets of the last paragraph added to the LinUCB features.'),
  ridge: z.number().positive().default(1).describe('LinUCB ridge regularisation.'),
  seed: z.number().int().default(1).describe('Seed of tie-breaks and Thompson draws.'),
  persist: z.boolean().default(true).describe('Keep state in <dataDir>/alloc-bandit.json across restarts.'),
});

/** What the state file holds: the learned state, and λ as budget pacing left it (restored only while pacing is on). */
type SavedBandit = BanditStateJson & { paced_lambda?: Partial<Record<Policy, number>> };

const POLICIES: Policy[] = ['linucb', 'thompson', 'ucb1'];

/**
 * Learning allocators: "bandit" (contextual LinUCB over task features),
 * "bandit-thompson" and "bandit-ucb1" (per task type × language). All three
 * share one learned state, persisted in the data dir and shown at llmos://alloc.
 */
export default definePlugin({
  name: 'alloc-bandit',
  version: '1.0.0',
  apiVersion: '^1.2.0',
  description: 'Thompson sampling, UCB1 and LinUCB allocators; reward = quality − λ·cost; state persists across restarts.',
  provides: ['allocator', 'resource'],
  options: Options,
  register(scope, opts) {
    const state = new BanditState(opts.words, opts.ridge);
    const params: Record<Policy, BanditParams> = Object.fromEntries(POLICIES.map((p) => [p, { lambda: opts.lambda, alpha: opts.alpha, ucb_c: opts.ucb_c, budget_share: opts.budget_share, budget_reference: opts.budget_reference, budget_per_1k: opts.budget_per_1k, pace_rate: opts.pace_rate }])) as Record<Policy, BanditParams>;
    const paced = (p: BanditParams) => p.budget_share > 0 || p.budget_per_1k > 0;
    const store = new JsonStore<SavedBandit>(join(scope.dataDir, 'alloc-bandit.json'), () => ({
      ...state.toJSON(),
      paced_lambda: Object.fromEntries(POLICIES.filter((p) => paced(params[p])).map((p) => [p, params[p].lambda])),
    }));
    if (opts.persist) {
      try {
        const saved = store.read();
        if (saved && !state.load(saved)) scope.log.warn({ file: store.file }, 'saved bandit state uses another feature set; starting fresh');
        else if (saved?.paced_lambda) for (const p of POLICIES) if (paced(params[p]) && typeof saved.paced_lambda[p] === 'number') params[p].lambda = saved.paced_lambda[p];
      } catch (e) {
        scope.log.warn({ err: e, file: store.file }, 'saved bandit state is unreadable; starting fresh');
      }
      state.onChange = () => store.markDirty();
    }
    const rng = new Rng(opts.seed);
    for (const p of POLICIES) {
      const name = p === 'linucb' ? 'bandit' : `bandit-${p}`;
      scope.allocator(name, () => new BanditAllocator(p, state, params[p], rng));
    }
    scope.resource({
      name: 'alloc',
      title: 'Allocator state',
      description: 'The learning allocators: parameters, and per model the observations, mean quality and mean cost per context.',
      uri: 'llmos://alloc',
      read: () => ({
        active: scope.kernel.allocator().name,
        params,
        features: featureNames(opts.words),
        observations: state.observations,
        models: Object.fromEntries(
          [...state.arms].map(([id, a]) => [id, { quality_observations: a.quality.n, cost_observations: a.cost.n }]),
        ),
        contexts: Object.fromEntries(
          [...state.contexts].map(([k, m]) => [k, Object.fromEntries([...m].map(([id, s]) => [id, { n: s.n, mean_quality: s.n ? s.s / s.n : null }]))]),
        ),
      }),
    });
    return { stop: () => void (opts.persist && store.flush()) };
  },
});
