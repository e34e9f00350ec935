import type { KgEntity, KgRelation, KgSubgraph } from '../../src/plugin-api/index.js';
import { graphLabel } from './graph-policy.js';

/** An entity or relation with the wire name of its graph (absent: the caller's own). */
export type Tagged<T> = T & { graph?: string };

/** Entities and relations of one or more graphs, each tagged with its graph. */
export interface TaggedSubgraph {
  entities: Tagged<KgEntity>[];
  relations: Tagged<KgRelation>[];
  truncated?: boolean;
}

/** The key that tells apart two entities of the same name in different graphs. */
export const entityKey = (graph: string | undefined, name: string): string => `${graph ?? ''}\u0000${name}`;

/**
 * Reads `graphs` in order with `read(graph, room)` and joins the answers,
 * each entity and relation tagged with its graph as `owner` sees it. With a
 * limit, a later graph only fills the room the earlier ones left (the
 * caller's own graph comes first, so its facts win over shared ones).
 */
export async function readAcross(owner: string, graphs: string[], read: (graph: string, room: number) => Promise<KgSubgraph>, limit = Infinity): Promise<TaggedSubgraph> {
  const out: TaggedSubgraph = { entities: [], relations: [] };
  for (const g of graphs) {
    const room = limit - out.entities.length;
    if (room <= 0) break;
    const part = await read(g, room);
    const graph = graphLabel(owner, g);
    const tag = <T>(x: T): Tagged<T> => (graph === undefined ? (x as Tagged<T>) : { ...x, graph });
    out.entities.push(...part.entities.map(tag));
    out.relations.push(...part.relations.map(tag));
    if (part.truncated) out.truncated = true;
  }
  return out;
}
