import { KG_SHARED_GRAPH, LlmosError, z } from '../../src/plugin-api/index.js';

/**
 * Who may read and write which knowledge graph, in one place so a per-user
 * policy can replace it. Today: every owner reads and writes its own graph
 * and reads the shared one; admins (LLMOS_ADMINS) also write the shared
 * graph and read and write any owner's graph (kg_import/kg_export into a
 * user's graph, repairs).
 */
export interface GraphPolicy {
  mayRead(owner: string, graph: string): boolean;
  mayWrite(owner: string, graph: string): boolean;
}

export const adminGraphPolicy = (isAdmin: (owner: string) => boolean): GraphPolicy => ({
  mayRead: (owner, graph) => graph === owner || graph === KG_SHARED_GRAPH || isAdmin(owner),
  mayWrite: (owner, graph) => graph === owner || isAdmin(owner),
});

/** The wire name of a graph: "own" (the caller's), "shared", or an owner id (admins only). */
export const GraphArg = z
  .string()
  .min(1)
  .max(256)
  .describe('Which graph: "own" (yours, the default), "shared" (everyone reads it; admins write it), or an owner id such as "user:alice" (admins only).');

/** The graph id a wire name stands for, for `owner`. */
export const graphId = (owner: string, wire: string | undefined): string => (wire === undefined || wire === 'own' ? owner : wire === 'shared' ? KG_SHARED_GRAPH : wire);

/** The wire name of graph `id` as `owner` sees it; undefined for the owner's own. */
export const graphLabel = (owner: string, id: string): string | undefined => (id === owner ? undefined : id === KG_SHARED_GRAPH ? 'shared' : id);

/** Resolves wire names to graph ids and refuses, with LLMOS_EPERM, what `policy` does not allow. */
export function graphAccess(policy: GraphPolicy) {
  const refuse = (owner: string, graph: string, verb: 'read' | 'write') =>
    new LlmosError(
      'LLMOS_EPERM',
      graph === KG_SHARED_GRAPH
        ? `only admins (LLMOS_ADMINS) may ${verb} the shared knowledge graph; "${owner}" may ${verb} its own graph (omit "graph").`
        : `the knowledge graph "${graph}" is another owner's; "${owner}" may ${verb} its own graph (omit "graph") and read the shared one.`,
      { graph: graphLabel(owner, graph) ?? 'own' },
    );
  return {
    /** The one graph a write names (default: the caller's own). */
    write(owner: string, wire?: string): string {
      const g = graphId(owner, wire);
      if (!policy.mayWrite(owner, g)) throw refuse(owner, g, 'write');
      return g;
    },
    /** The one graph a single-graph read names (default: the caller's own). */
    read(owner: string, wire?: string): string {
      const g = graphId(owner, wire);
      if (!policy.mayRead(owner, g)) throw refuse(owner, g, 'read');
      return g;
    },
    /** The graphs a search or open looks in, in order: the one named, else the caller's own then the shared one. */
    readMany(owner: string, wire?: string): string[] {
      return wire === undefined ? [owner, KG_SHARED_GRAPH].filter((g, i, all) => all.indexOf(g) === i) : [this.read(owner, wire)];
    },
  };
}
export type GraphAccess = ReturnType<typeof graphAccess>;
