import { LlmosError, type ResourceEntry, type KnowledgeStore } from '../../src/plugin-api/index.js';
import { fitAnswer } from './answer.js';

export const KG_URI = 'llmos://kg';
/** decodeURIComponent that leaves malformed escapes as they are. */
const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

export const entityUri = (name: string) => `${KG_URI}/entity/${encodeURIComponent(name)}`;

/** llmos://kg (stats) and llmos://kg/entity/{name} (one entity with its relations, name completion). */
export const kgResources = (store: () => KnowledgeStore): ResourceEntry[] => [
  {
    name: 'kg',
    title: 'Knowledge graph',
    description: 'kg_stats of the active knowledge store; notifies subscribers on every change.',
    uri: KG_URI,
    read: () => store().stats(),
  },
  {
    name: 'kg-entity',
    title: 'Knowledge graph entity',
    description: 'One entity with its observations and every relation touching it (as kg_open_nodes).',
    template: `${KG_URI}/entity/{name}`,
    async read(_uri, vars) {
      const name = decode(vars.name ?? '');
      const g = await store().openNodes([name]);
      if (!g.entities.length) throw new LlmosError('LLMOS_EINVAL', `no entity named ${JSON.stringify(name)}; find names with kg_search or kg_read_graph.`);
      const { last: _, ...answer } = fitAnswer(g);
      return answer;
    },
    complete: {
      name: async (prefix) => (await store().names({ prefix: decode(prefix), limit: 100 })),
    },
  },
];
