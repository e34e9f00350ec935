import { LlmosError } from '../../src/plugin-api/index.js';

/** One node of the plan tree neo4j-driver returns in `summary.plan` for an EXPLAIN. */
export interface PlanNode {
  operatorType: string;
  arguments?: Record<string, unknown>;
  children?: PlanNode[];
}

/**
 * Plan operators that only read the graph or shape rows (Neo4j 5.26 names,
 * without the "@database" suffix and the "(All)"/"(Into)" variant; the
 * parallel runtime's "Partitioned…" forms count as their base operator).
 * Everything else is refused: writes, LoadCSV, TransactionApply/Foreach
 * (CALL { } IN TRANSACTIONS), SubqueryForeach, Foreach, Show…/Terminate…
 * commands, AdministrationCommand, schema commands, RunQueryAt, and any
 * operator a later Neo4j adds until it is reviewed and listed here.
 */
const READ_OPERATORS = new Set([
  'AllNodesScan', 'NodeByLabelScan', 'UnionNodeByLabelsScan', 'IntersectionNodeByLabelsScan', 'SubtractionNodeByLabelsScan',
  'NodeByIdSeek', 'NodeByElementIdSeek', 'NodeIndexSeek', 'NodeUniqueIndexSeek', 'NodeIndexSeekByRange', 'NodeUniqueIndexSeekByRange',
  'NodeIndexScan', 'NodeIndexContainsScan', 'NodeIndexEndsWithScan', 'MultiNodeIndexSeek', 'AssertingMultiNodeIndexSeek',
  ...['Directed', 'Undirected'].flatMap((d) =>
    ['RelationshipByIdSeek', 'RelationshipByElementIdSeek', 'AllRelationshipsScan', 'RelationshipTypeScan', 'UnionRelationshipTypesScan',
      'RelationshipIndexSeek', 'RelationshipUniqueIndexSeek', 'RelationshipIndexSeekByRange', 'RelationshipUniqueIndexSeekByRange',
      'RelationshipIndexScan', 'RelationshipIndexContainsScan', 'RelationshipIndexEndsWithScan'].map((op) => d + op)),
  'AssertingMultiRelationshipIndexSeek', 'NodeCountFromCountStore', 'RelationshipCountFromCountStore',
  'Expand', 'OptionalExpand', 'VarLengthExpand', 'ShortestPath', 'StatefulShortestPath', 'Repeat', 'BidirectionalRepeat',
  'ProjectEndpoints', 'NullifyMetadata', 'TriadicSelection', 'TriadicBuild', 'TriadicFilter',
  'Argument', 'ArgumentTracker', 'EmptyRow', 'Filter', 'Projection', 'ProduceResults', 'CacheProperties', 'PreserveOrder',
  'Limit', 'ExhaustiveLimit', 'Skip', 'Sort', 'PartialSort', 'Top', 'Top1WithTies', 'PartialTop',
  'Distinct', 'OrderedDistinct', 'EagerAggregation', 'OrderedAggregation', 'Unwind', 'Union', 'OrderedUnion', 'Optional', 'Anti', 'Eager',
  'CartesianProduct', 'NodeHashJoin', 'ValueHashJoin', 'NodeLeftOuterHashJoin', 'NodeRightOuterHashJoin', 'AssertSameNode', 'AssertSameRelationship',
  'Apply', 'SemiApply', 'AntiSemiApply', 'LetSemiApply', 'LetAntiSemiApply', 'SelectOrSemiApply', 'SelectOrAntiSemiApply',
  'LetSelectOrSemiApply', 'LetSelectOrAntiSemiApply', 'ConditionalApply', 'AntiConditionalApply', 'RollUpApply',
]);

/** Read-only procedures kg_cypher_read may call (the schema readers); any other ProcedureCall is refused. */
export const READ_PROCEDURES: ReadonlySet<string> = new Set(['db.labels', 'db.relationshipTypes', 'db.propertyKeys', 'db.schema.visualization']);

/**
 * A subquery expression Neo4j kept inside an expression (e.g. COLLECT { … }
 * in a CASE or a list comprehension) runs a nested plan that the tree does
 * not show as operators; Neo4j renders it in the operator's Details.
 */
const NESTED_PLAN = /\b(?:EXISTS|COUNT|COLLECT)\s*\{|ResolvedCall\(/i;

const refuse = (why: string, extra: Record<string, unknown>): LlmosError =>
  new LlmosError('LLMOS_EPERM', `kg_cypher_read refused the query: ${why}. Only read-only MATCH/OPTIONAL MATCH/WITH/UNWIND/RETURN queries (and CALL db.labels(), db.relationshipTypes(), db.propertyKeys(), db.schema.visualization()) run here; write through the kg_* tools.`, { layer: 'plan', ...extra });

/** "Expand(All)@neo4j" → {base: "Expand", database: "neo4j"}; "PartitionedAllNodesScan" → base "AllNodesScan". */
export function operatorName(operatorType: string): { base: string; database: string | undefined } {
  const at = operatorType.lastIndexOf('@');
  const name = at < 0 ? operatorType : operatorType.slice(0, at);
  const base = name.replace(/\(.*$/s, '').replace(/^Partitioned(?=[A-Z])/, '');
  return { base, database: at < 0 ? undefined : operatorType.slice(at + 1) };
}

/** The qualified procedure name in a ProcedureCall's Details ("db.labels() :: (label :: STRING)" → "db.labels"). */
export function procedureName(details: unknown): string | undefined {
  return /^\s*([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)\s*\(/.exec(String(details ?? ''))?.[1];
}

/** Throws LLMOS_EPERM unless `node` may run; its children are the caller's to check. */
function assertOperator(node: PlanNode, database: string | undefined): void {
  const { base, database: on } = operatorName(node.operatorType);
  const details = node.arguments?.Details;
  if (database && on && on !== database) throw refuse(`the plan runs on database "${on}", not "${database}"`, { operator: node.operatorType });
  if (base === 'ProcedureCall') {
    const proc = procedureName(details);
    if (!proc || !READ_PROCEDURES.has(proc)) throw refuse(`the procedure ${proc ?? '(unrecognized)'} is not on the read-only allowlist`, { procedure: proc ?? null });
  } else if (!READ_OPERATORS.has(base)) {
    throw refuse(`Neo4j plans it with the ${base} operator, which is not on the read-only allowlist`, { operator: base });
  }
  if (typeof details === 'string' && NESTED_PLAN.test(details))
    throw refuse(`a subquery expression (EXISTS/COUNT/COLLECT { … }) sits inside an expression, where its plan cannot be checked; rewrite it as CALL () { … } or a MATCH`, { operator: base });
}

/**
 * The plan decides: every operator of EXPLAIN's plan tree must be on the
 * read allowlist, every procedure call on READ_PROCEDURES, and every
 * operator must run on `database` (when known). Throws LLMOS_EPERM otherwise.
 */
export function assertReadOnlyPlan(plan: PlanNode | false | undefined, database?: string): void {
  if (!plan) throw refuse('Neo4j returned no plan to check', {});
  const stack: PlanNode[] = [plan];
  for (let node = stack.pop(); node; node = stack.pop()) {
    assertOperator(node, database);
    stack.push(...(node.children ?? []));
  }
}
