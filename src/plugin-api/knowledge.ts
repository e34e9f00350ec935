/** Placeholder until the knowledge-graph extension point lands; see plugins/kg-*. */
export interface KnowledgeStore {
  readonly kind: string;
}
