import type { KgEntity } from '../../src/plugin-api/index.js';
import { entityKey, type Tagged, type TaggedSubgraph } from './across.js';
import { limits, toWireEntity, toWireRelation } from './schemas.js';

export interface FittedAnswer {
  entities: ReturnType<typeof toWireEntity>[];
  relations: ReturnType<typeof toWireRelation>[];
  truncated: boolean;
  note?: string;
  /** Name of the last entity kept (the kg_read_graph cursor). */
  last?: string;
}

const size = (v: unknown) => Buffer.byteLength(JSON.stringify(v));

/**
 * Keeps entities in order while the answer stays under `budget` bytes, then
 * the relations that still fit and touch a kept entity. For pages (`from`) a
 * relation belongs to its `from` entity, which is kept only together with all
 * of its outgoing relations, so the next page (after the last kept entity)
 * never skips a relation and none shows on two pages. The first entity is
 * always kept; when it alone is too big its observations are cut. A graph
 * the store already cut (`truncated`) stays marked as cut.
 */
export function fitAnswer(g: TaggedSubgraph, budget: number = limits.maxAnswerBytes, keep: 'from' | 'either' = 'either'): FittedAnswer {
  const outgoing = new Map<string, number>();
  const fromKey = (r: TaggedSubgraph['relations'][number]) => entityKey(r.graph, r.from);
  if (keep === 'from') for (const r of g.relations) outgoing.set(fromKey(r), (outgoing.get(fromKey(r)) ?? 0) + size(toWireRelation(r)));
  const kept: Tagged<KgEntity>[] = [];
  let used = 64;
  /** Bytes of the kept entities' outgoing relations (pages only); the relation pass spends them. */
  let reserved = 0;
  let cut = false;
  for (const e of g.entities) {
    const s = size(toWireEntity(e));
    const rel = outgoing.get(entityKey(e.graph, e.name)) ?? 0;
    if (used + reserved + s + rel > budget) {
      if (kept.length) {
        cut = true;
        break;
      }
      const obs: string[] = [];
      let u = size(toWireEntity({ ...e, observations: [] }));
      for (const o of e.observations) {
        if (used + u + size(o) + 1 > budget) break;
        obs.push(o);
        u += size(o) + 1;
      }
      kept.push({ ...e, observations: obs });
      used += u;
      cut = true;
      break;
    }
    kept.push(e);
    used += s;
    reserved += rel;
  }
  const names = new Set(kept.map((e) => entityKey(e.graph, e.name)));
  const relations = [];
  for (const r of g.relations) {
    if (!names.has(fromKey(r)) && (keep === 'from' || !names.has(entityKey(r.graph, r.to)))) continue;
    const w = toWireRelation(r);
    const s = size(w);
    if (used + s > budget) {
      cut = true;
      break;
    }
    relations.push(w);
    used += s;
  }
  cut ||= !!g.truncated;
  return {
    entities: kept.map(toWireEntity),
    relations,
    truncated: cut,
    ...(cut ? { note: `answer cut to about ${Math.round(budget / 1024)} KB; page with a smaller limit, or open fewer nodes.` } : {}),
    last: kept.at(-1)?.name,
  };
}

/** kg_read_graph cursors: the last entity name, base64url-encoded (opaque to clients). */
export const encodeCursor = (name: string): string => Buffer.from(name, 'utf8').toString('base64url');
export const decodeCursor = (cursor: string): string => Buffer.from(cursor, 'base64url').toString('utf8');
