import { API_RANGE, type KindTemplate } from './common.js';

const store = (pascal: string, name: string) => `import { assertKgType, kgSearchWords, LlmosError, type KgEntity, type KgObservations, type KgReadOptions, type KgRelation, type KgStats, type KgSubgraph, type KgTypeCount, type KnowledgeStore } from 'llmos/plugin-api';

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

/**
 * A knowledge store in memory. Each call runs to its end without awaiting,
 * so it is atomic and concurrent writers never interleave; a store on a real
 * database keeps that promise with one transaction per call. Checks come
 * before changes, so a failing call changes nothing.
 */
export class ${pascal}Store implements KnowledgeStore {
  readonly kind = '${name}';
  private readonly entities = new Map<string, KgEntity>();
  private readonly relations = new Map<string, KgRelation>();

  async createEntities(items: KgEntity[]): Promise<KgEntity[]> {
    for (const e of items) assertKgType(e.type, 'entity');
    const created: KgEntity[] = [];
    for (const e of items) {
      if (this.entities.has(e.name)) continue;
      const stored = { name: e.name, type: e.type, observations: [...new Set(e.observations)] };
      this.entities.set(e.name, stored);
      created.push(copy(stored));
    }
    return created;
  }

  async createRelations(items: KgRelation[]): Promise<KgRelation[]> {
    for (const r of items) assertKgType(r.type, 'relation');
    const missing = [...new Set(items.flatMap((r) => [r.from, r.to]))].filter((n) => !this.entities.has(n));
    if (missing.length) throw new LlmosError('LLMOS_EINVAL', \`relations name entities that do not exist: \${missing.join(', ')}; create them first.\`);
    const created: KgRelation[] = [];
    for (const r of items) {
      if (this.relations.has(relKey(r))) continue;
      this.relations.set(relKey(r), { from: r.from, to: r.to, type: r.type });
      created.push({ from: r.from, to: r.to, type: r.type });
    }
    return created;
  }

  async addObservations(items: KgObservations[]): Promise<KgObservations[]> {
    const missing = items.map((i) => i.name).filter((n) => !this.entities.has(n));
    if (missing.length) throw new LlmosError('LLMOS_EINVAL', \`no entity named \${missing.join(', ')}; create it first.\`);
    return items.map(({ name, observations }) => {
      const e = this.entities.get(name)!;
      const added = [...new Set(observations)].filter((o) => !e.observations.includes(o));
      e.observations.push(...added);
      return { name, observations: added };
    });
  }

  async deleteEntities(names: string[]): Promise<number> {
    const gone = new Set(names.filter((n) => this.entities.delete(n)));
    for (const [k, r] of this.relations) if (gone.has(r.from) || gone.has(r.to)) this.relations.delete(k);
    return gone.size;
  }

  async deleteObservations(items: KgObservations[]): Promise<number> {
    let n = 0;
    for (const { name, observations } of items) {
      const e = this.entities.get(name);
      if (!e) continue;
      const keep = e.observations.filter((o) => !observations.includes(o));
      n += e.observations.length - keep.length;
      e.observations = keep;
    }
    return n;
  }

  async deleteRelations(items: KgRelation[]): Promise<number> {
    return items.filter((r) => this.relations.delete(relKey(r))).length;
  }

  async search(query: string, limit: number): Promise<KgSubgraph> {
    const want = kgSearchWords(query);
    const scored = [...this.entities.values()]
      .map((e) => {
        const have = words([e.name, e.type, ...e.observations].join(' '));
        return { e, score: want.filter((w) => have.some((h) => h.startsWith(w))).length };
      })
      .filter((s) => s.score > 0)
      .sort((a, b) => b.score - a.score || byName(a.e.name, b.e.name))
      .slice(0, limit);
    return this.among(scored.map((s) => s.e));
  }

  async openNodes(names: string[]): Promise<KgSubgraph> {
    const found = new Set(names.filter((n) => this.entities.has(n)));
    const entities = [...found].map((n) => copy(this.entities.get(n)!));
    return { entities, relations: [...this.relations.values()].filter((r) => found.has(r.from) || found.has(r.to)) };
  }

  async readPage(opts: KgReadOptions): Promise<KgSubgraph> {
    const page = new Set(await this.names(opts));
    const entities = [...page].map((n) => copy(this.entities.get(n)!));
    return { entities, relations: [...this.relations.values()].filter((r) => page.has(r.from)) };
  }

  async names(opts: KgReadOptions & { prefix?: string }): Promise<string[]> {
    const { after, prefix = '' } = opts;
    return [...this.entities.keys()]
      .filter((n) => n.startsWith(prefix) && (after === undefined || n > after))
      .sort(byName)
      .slice(0, opts.limit);
  }

  async stats(): Promise<KgStats> {
    const all = [...this.entities.values()];
    return {
      store: this.kind,
      entities: all.length,
      relations: this.relations.size,
      observations: all.reduce((n, e) => n + e.observations.length, 0),
      entity_types: typeCounts(all.map((e) => e.type)),
      relation_types: typeCounts([...this.relations.values()].map((r) => r.type)),
    };
  }

  async close(): Promise<void> {}

  /** The entities, and the relations with both ends among them. */
  private among(list: KgEntity[]): KgSubgraph {
    const names = new Set(list.map((e) => e.name));
    return { entities: list.map(copy), relations: [...this.relations.values()].filter((r) => names.has(r.from) && names.has(r.to)) };
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
