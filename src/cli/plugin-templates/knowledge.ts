import { API_RANGE, type KindTemplate } from './common.js';

const store = (pascal: string, name: string) => `import { assertKgType, cutEntities, kgSearchTerms, LlmosError, type KgEntity, type KgObservations, type KgReadOptions, type KgRelation, type KgStats, type KgSubgraph, type KgTypeCount, type KnowledgeStore } from 'llmos/plugin-api';

const relKey = (r: KgRelation) => JSON.stringify([r.from, r.type, r.to]);
const copy = (e: KgEntity): KgEntity => ({ name: e.name, type: e.type, observations: [...e.observations] });
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const words = (text: string) => text.toLowerCase().match(/[\\p{L}\\p{N}_]+/gu) ?? [];

/** Most frequent first (ties by name), at most 50. */
function typeCounts(types: Iterable<string>): KgTypeCount[] {
  const n = new Map<string, number>();
  for (const t of types) n.set(t, (n.get(t) ?? 0) + 1);
  return [...n].map(([type, count]) => ({ type, count })).sort((a, b) => b.count - a.count || byName(a.type, b.type)).slice(0, 50);
}

/** One graph (an owner's, or the shared one): its entities and the relations among them. */
class Graph {
  readonly entities = new Map<string, KgEntity>();
  readonly relations = new Map<string, KgRelation>();
}

/**
 * A knowledge store in memory, one Graph per graph id, so graphs never see
 * each other. Each call runs to its end without awaiting, so it is atomic
 * and concurrent writers never interleave; a store on a real database keeps
 * that promise with one transaction per call. Checks come before changes,
 * so a failing call changes nothing.
 */
export class ${pascal}Store implements KnowledgeStore {
  readonly kind = '${name}';
  private readonly graphs = new Map<string, Graph>();

  private graph(id: string): Graph {
    let g = this.graphs.get(id);
    if (!g) this.graphs.set(id, (g = new Graph()));
    return g;
  }

  async createEntities(graph: string, items: KgEntity[]): Promise<KgEntity[]> {
    const { entities } = this.graph(graph);
    for (const e of items) assertKgType(e.type, 'entity');
    const created: KgEntity[] = [];
    for (const e of items) {
      if (entities.has(e.name)) continue;
      const stored = { name: e.name, type: e.type, observations: [...new Set(e.observations)] };
      entities.set(e.name, stored);
      created.push(copy(stored));
    }
    return created;
  }

  async createRelations(graph: string, items: KgRelation[]): Promise<KgRelation[]> {
    const { entities, relations } = this.graph(graph);
    for (const r of items) assertKgType(r.type, 'relation');
    const missing = [...new Set(items.flatMap((r) => [r.from, r.to]))].filter((n) => !entities.has(n));
    if (missing.length) throw new LlmosError('LLMOS_EINVAL', \`relations name entities that do not exist: \${missing.join(', ')}; create them first.\`);
    const created: KgRelation[] = [];
    for (const r of items) {
      if (relations.has(relKey(r))) continue;
      relations.set(relKey(r), { from: r.from, to: r.to, type: r.type });
      created.push({ from: r.from, to: r.to, type: r.type });
    }
    return created;
  }

  async addObservations(graph: string, items: KgObservations[]): Promise<KgObservations[]> {
    const { entities } = this.graph(graph);
    const missing = items.map((i) => i.name).filter((n) => !entities.has(n));
    if (missing.length) throw new LlmosError('LLMOS_EINVAL', \`no entity named \${missing.join(', ')}; create it first.\`);
    return items.map(({ name, observations }) => {
      const e = entities.get(name)!;
      const added = [...new Set(observations)].filter((o) => !e.observations.includes(o));
      e.observations.push(...added);
      return { name, observations: added };
    });
  }

  async deleteEntities(graph: string, names: string[]): Promise<number> {
    const { entities, relations } = this.graph(graph);
    const gone = new Set(names.filter((n) => entities.delete(n)));
    for (const [k, r] of relations) if (gone.has(r.from) || gone.has(r.to)) relations.delete(k);
    return gone.size;
  }

  async deleteObservations(graph: string, items: KgObservations[]): Promise<number> {
    const { entities } = this.graph(graph);
    let n = 0;
    for (const { name, observations } of items) {
      const e = entities.get(name);
      if (!e) continue;
      const keep = e.observations.filter((o) => !observations.includes(o));
      n += e.observations.length - keep.length;
      e.observations = keep;
    }
    return n;
  }

  async deleteRelations(graph: string, items: KgRelation[]): Promise<number> {
    const { relations } = this.graph(graph);
    return items.filter((r) => relations.delete(relKey(r))).length;
  }

  async search(graph: string, query: string, limit: number, maxChars?: number): Promise<KgSubgraph> {
    const want = kgSearchTerms(query);
    const scored = [...this.graph(graph).entities.values()]
      .map((e) => {
        const have = words([e.name, e.type, ...e.observations].join(' '));
        return { e, score: want.filter((w) => have.some((h) => (w.prefix ? h.startsWith(w.word) : h === w.word))).length };
      })
      .filter((s) => s.score > 0)
      .sort((a, b) => b.score - a.score || byName(a.e.name, b.e.name))
      .slice(0, limit);
    return this.pick(graph, scored.map((s) => s.e.name), (r, kept) => kept.has(r.from) && kept.has(r.to), maxChars);
  }

  async openNodes(graph: string, names: string[], maxChars?: number): Promise<KgSubgraph> {
    return this.pick(graph, [...new Set(names)], (r, kept) => kept.has(r.from) || kept.has(r.to), maxChars);
  }

  async readPage(graph: string, opts: KgReadOptions): Promise<KgSubgraph> {
    return this.pick(graph, await this.names(graph, opts), (r, kept) => kept.has(r.from), opts.maxChars);
  }

  async names(graph: string, opts: KgReadOptions & { prefix?: string }): Promise<string[]> {
    const { after, prefix = '' } = opts;
    return [...this.graph(graph).entities.keys()]
      .filter((n) => n.startsWith(prefix) && (after === undefined || n > after))
      .sort(byName)
      .slice(0, opts.limit);
  }

  async stats(graph: string): Promise<KgStats> {
    const { entities, relations } = this.graph(graph);
    const all = [...entities.values()];
    return {
      store: this.kind,
      entities: all.length,
      relations: relations.size,
      observations: all.reduce((n, e) => n + e.observations.length, 0),
      entity_types: typeCounts(all.map((e) => e.type)),
      relation_types: typeCounts([...relations.values()].map((r) => r.type)),
    };
  }

  async close(): Promise<void> {}

  /** The named entities that exist (in order, within maxChars), and the relations \`keep\` says of the ones kept. */
  private pick(graph: string, names: string[], keep: (r: KgRelation, kept: Set<string>) => boolean, maxChars?: number): KgSubgraph {
    const { entities, relations } = this.graph(graph);
    const cut = cutEntities(names.flatMap((n) => (entities.has(n) ? [copy(entities.get(n)!)] : [])), maxChars);
    const kept = new Set(cut.entities.map((e) => e.name));
    return { entities: cut.entities, relations: [...relations.values()].filter((r) => keep(r, kept)), ...(cut.truncated ? { truncated: true } : {}) };
  }
}
`;

export const knowledgeTemplate: KindTemplate = {
  provides: 'knowledge',
  summary: 'A knowledge store kept in memory, for kg-core\'s kg_* tools; replace the maps with your database.',
  implFile: 'store',
  impl: (n) => store(n.pascal, n.name),
  index: (n) => `import { claimKgStore, definePlugin, KG_STORE_TOKEN, type KnowledgeStore } from 'llmos/plugin-api';
import { ${n.pascal}Store } from './store.js';

/** Disable kg-embedded (and kg-neo4j) in llmos.plugins.json: exactly one store may be active. */
export default definePlugin({
  name: '${n.name}',
  version: '0.1.0',
  apiVersion: '${API_RANGE}',
  description: 'A knowledge store kept in memory.',
  provides: ['knowledge'],
  register(scope) {
    claimKgStore(scope, new ${n.pascal}Store());
  },
  async stop(scope) {
    await scope.resolve<KnowledgeStore>(KG_STORE_TOKEN).close();
  },
});
`,
  test: (n) => `import { kgStoreContract } from 'llmos/plugin-api/testing';
import { ${n.pascal}Store } from './store.js';

kgStoreContract('${n.name}', async () => {
  const store = new ${n.pascal}Store();
  return { store, cleanup: () => store.close() };
});
`,
};
