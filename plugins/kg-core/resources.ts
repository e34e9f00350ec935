import { KG_SHARED_GRAPH, LlmosError, type Reader, type ResourceEntry, type KnowledgeStore } from '../../src/plugin-api/index.js';
import { readAcross } from './across.js';
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

/** The graph a reader sees as its own; inside the server (no reader), the shared one. */
const ownGraph = (reader?: Reader) => reader?.owner ?? KG_SHARED_GRAPH;
/** The reader's own graph, then the shared one. */
const visible = (reader?: Reader) => [...new Set([ownGraph(reader), KG_SHARED_GRAPH])];

/**
 * llmos://kg (kg_stats of the reader's own graph) and llmos://kg/entity/{name}
 * (one entity with its relations from the reader's graph, then the shared
 * one; name completion over both). Notifications name only the uri, so a
 * subscriber learns that something changed, never what.
 */
export const kgResources = (store: () => KnowledgeStore): ResourceEntry[] => [
  {
    name: 'kg',
    title: 'Knowledge graph',
    description: 'kg_stats of your own knowledge graph; notifies subscribers on every change.',
    uri: KG_URI,
    read: (_uri, _vars, reader) => store().stats(ownGraph(reader)),
  },
  {
    name: 'kg-entity',
    title: 'Knowledge graph entity',
    description: 'One entity with its observations and every relation touching it (as kg_open_nodes), from your own graph, then the shared one.',
    template: `${KG_URI}/entity/{name}`,
    async read(_uri, vars, reader) {
      const name = decode(vars.name ?? '');
      const owner = ownGraph(reader);
      const g = await readAcross(owner, visible(reader), (graph) => store().openNodes(graph, [name]));
      if (!g.entities.length) throw new LlmosError('LLMOS_EINVAL', `no entity named ${JSON.stringify(name)}; find names with kg_search or kg_read_graph.`);
      const { last: _, ...answer } = fitAnswer(g);
      return answer;
    },
    complete: {
      async name(prefix, reader) {
        const lists = await Promise.all(visible(reader).map((graph) => store().names(graph, { prefix: decode(prefix), limit: 100 })));
        return [...new Set(lists.flat())].sort().slice(0, 100);
      },
    },
  },
];
