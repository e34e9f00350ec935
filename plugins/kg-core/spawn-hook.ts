import { brief, z, type Logger, type Process, KG_SHARED_GRAPH, KG_TYPE_PATTERN, type KnowledgeStore, type SpawnHook } from '../../src/plugin-api/index.js';
import { readAcross, type TaggedSubgraph } from './across.js';
import { Name } from './schemas.js';

export const contextLimits = { defaultFacts: 10, maxFacts: 50, maxChars: 4_000, maxRememberChars: 4_000 } as const;

const ContextFromKg = z
  .object({
    entities: z.array(Name).min(1).max(contextLimits.maxFacts).optional().describe('Entity names whose facts to inject.'),
    query: z.string().min(1).max(1000).optional().describe('A kg_search query whose best matches to inject.'),
    limit: z.number().int().min(1).max(contextLimits.maxFacts).default(contextLimits.defaultFacts),
  })
  .refine((c) => (c.entities === undefined) !== (c.query === undefined), { message: 'give exactly one of "entities" or "query"', path: ['entities'] });

const Remember = z.object({
  entity: Name.describe('The entity that receives the result as an observation; created if missing.'),
  entity_type: z.string().regex(KG_TYPE_PATTERN).default('topic').describe('Type for the entity when it is created.'),
  relation: z
    .object({ to: Name, type: z.string().regex(KG_TYPE_PATTERN) })
    .optional()
    .describe('Also relate entity → to (to is created with type "topic" if missing).'),
});

export const kgSpawnInput = {
  context_from_kg: brief(ContextFromKg, { type: 'object', description: 'Put knowledge-graph facts in the system prompt: {entities:[name,…]} or {query, limit?}.', additionalProperties: true }).optional(),
  remember: brief(Remember, { type: 'object', description: 'Save the result in the knowledge graph: {entity, entity_type?, relation?:{to,type}}.', properties: { entity: { type: 'string' } }, required: ['entity'], additionalProperties: true }).optional(),
};

/** Facts as system-prompt lines, cut at maxChars. Returns '' for an empty graph. */
export function formatFacts(g: TaggedSubgraph, maxChars: number = contextLimits.maxChars): string {
  const lines = [
    ...g.entities.map((e) => `- ${e.name} (${e.type})${e.graph ? ` [${e.graph} graph]` : ''}${e.observations.length ? `: ${e.observations.join('; ')}` : ''}`),
    ...g.relations.map((r) => `- ${r.from} ${r.type} ${r.to}`),
  ];
  if (!lines.length) return '';
  let out = 'Facts from the LLMOS knowledge graph (may be incomplete):';
  for (const l of lines) {
    if (out.length + l.length + 1 > maxChars) return `${out}\n- …`;
    out += `\n${l}`;
  }
  return out;
}

/** An observation with its provenance: "[llmos pid=7 model=m at=2025-…Z] text". */
export const provenanced = (p: Process, text: string, at = new Date(p.finished ?? Date.now())) =>
  `[llmos pid=${p.pid} model=${p.model ?? 'unknown'} at=${at.toISOString()}] ${text.trim().slice(0, contextLimits.maxRememberChars)}`;

/**
 * context_from_kg and remember for proc_spawn: one model's output becomes
 * another's context. context_from_kg reads the spawning owner's graph, then
 * the shared one; remember writes to the process owner's graph only.
 * `changed` announces updated entities to subscribers.
 */
export function kgSpawnHook(store: () => KnowledgeStore, changed: (names: string[]) => void, log: Logger): SpawnHook {
  return {
    name: 'kg',
    input: kgSpawnInput,
    async beforeSpawn(task, args, { owner }) {
      const c = args.context_from_kg as z.output<typeof ContextFromKg> | undefined;
      if (!c) return task;
      const read = (graph: string, room: number) => (c.entities ? store().openNodes(graph, c.entities.slice(0, c.limit)) : store().search(graph, c.query!, room));
      const g = await readAcross(owner, [...new Set([owner, KG_SHARED_GRAPH])], read, c.limit);
      const facts = formatFacts(g);
      if (!facts) return task;
      return { ...task, system: task.system ? `${facts}\n\n${task.system}` : facts };
    },
    async afterExit(p, args) {
      const r = args.remember as z.output<typeof Remember> | undefined;
      if (!r || p.exit !== 'ok' || !p.result?.text.trim()) return;
      try {
        const s = store();
        const graph = p.owner;
        await s.createEntities(graph, [{ name: r.entity, type: r.entity_type, observations: [] }]);
        await s.addObservations(graph, [{ name: r.entity, observations: [provenanced(p, p.result.text)] }]);
        if (r.relation) {
          await s.createEntities(graph, [{ name: r.relation.to, type: 'topic', observations: [] }]);
          await s.createRelations(graph, [{ from: r.entity, to: r.relation.to, type: r.relation.type }]);
        }
        changed([r.entity, ...(r.relation ? [r.relation.to] : [])]);
      } catch (e) {
        log.warn({ err: e, pid: p.pid, entity: r.entity }, 'remember: could not store the result in the knowledge graph');
      }
    },
  };
}
