import type { KgEntity, KgObservations, KgReadOptions, KgRelation, KgStats, KgSubgraph, KnowledgeStore } from '../index.js';

/** A store seen through one graph: every call names it. */
export interface GraphView {
  readonly kind: string;
  createEntities(entities: KgEntity[]): Promise<KgEntity[]>;
  createRelations(relations: KgRelation[]): Promise<KgRelation[]>;
  addObservations(items: KgObservations[]): Promise<KgObservations[]>;
  deleteEntities(names: string[]): Promise<number>;
  deleteObservations(items: KgObservations[]): Promise<number>;
  deleteRelations(relations: KgRelation[]): Promise<number>;
  search(query: string, limit: number, maxChars?: number): Promise<KgSubgraph>;
  openNodes(names: string[], maxChars?: number): Promise<KgSubgraph>;
  readPage(opts: KgReadOptions): Promise<KgSubgraph>;
  names(opts: KgReadOptions & { prefix?: string }): Promise<string[]>;
  stats(): Promise<KgStats>;
}

/** `store` as seen through `graph`. */
export const inGraph = (store: KnowledgeStore, graph: string): GraphView => ({
  kind: store.kind,
  createEntities: (e) => store.createEntities(graph, e),
  createRelations: (r) => store.createRelations(graph, r),
  addObservations: (i) => store.addObservations(graph, i),
  deleteEntities: (n) => store.deleteEntities(graph, n),
  deleteObservations: (i) => store.deleteObservations(graph, i),
  deleteRelations: (r) => store.deleteRelations(graph, r),
  search: (q, l, m) => store.search(graph, q, l, m),
  openNodes: (n, m) => store.openNodes(graph, n, m),
  readPage: (o) => store.readPage(graph, o),
  names: (o) => store.names(graph, o),
  stats: () => store.stats(graph),
});
