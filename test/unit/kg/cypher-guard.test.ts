import { describe, expect, it } from 'vitest';
import { MAX_CYPHER_QUERY_CHARS, assertQuerySize, assertReadOnlyType } from '../../../plugins/kg-neo4j/cypher-guard.js';
import { assertReadOnlyPlan, operatorName, procedureName, type PlanNode } from '../../../plugins/kg-neo4j/cypher-plan.js';
import { escapeLucene, luceneQuery } from '../../../plugins/kg-neo4j/lucene.js';
import { kgGraphKey } from '../../../src/core/knowledge.js';

/** A plan tree as neo4j-driver returns it: the first operator on top, each over the next. */
const chain = (...ops: Array<string | [op: string, details: string]>): PlanNode =>
  ops.reduceRight<PlanNode | undefined>((child, op) => {
    const [operatorType, Details] = typeof op === 'string' ? [op, undefined] : op;
    return { operatorType, arguments: Details === undefined ? {} : { Details }, children: child ? [child] : [] };
  }, undefined)!;

describe('cypher plan allowlist', () => {
  it.each<[string, PlanNode]>([
    ['LOAD CSV', chain('ProduceResults@neo4j', 'LoadCSV@neo4j')],
    ['CALL { } IN TRANSACTIONS with a read body', chain('ProduceResults@neo4j', 'TransactionApply@neo4j', 'AllNodesScan@neo4j')],
    ['SHOW TRANSACTIONS', chain('ProduceResults@neo4j', 'ShowTransactions@neo4j')],
    ['SHOW SETTINGS', chain('ProduceResults@neo4j', 'ShowSettings@neo4j')],
    ['TERMINATE TRANSACTIONS', chain('ProduceResults@neo4j', 'TerminateTransactions@neo4j')],
    ['an admin command', chain('AdministrationCommand@system')],
    ['a write in a subquery', chain('ProduceResults@neo4j', 'Projection@neo4j', 'SubqueryForeach@neo4j', 'EmptyRow@neo4j', 'Create@neo4j')],
    ['a dbms procedure', chain('ProduceResults@neo4j', ['ProcedureCall@neo4j', 'dbms.components() :: (name :: STRING)'])],
    ['a db write procedure', chain('ProduceResults@neo4j', 'EmptyResult@neo4j', ['ProcedureCall@neo4j', 'db.createLabel($autostring_0) :: ()'])],
    ['a procedure whose name is not recognized', chain('ProduceResults@neo4j', ['ProcedureCall@neo4j', '`db.labels`() :: (label :: STRING)'])],
    ['a nested COLLECT { LOAD CSV }', chain('ProduceResults@neo4j', ['Projection@neo4j', '[x IN $l WHERE EXISTS { LOAD CSV FROM "file:///etc/passwd" AS l RETURN l AS l }] AS y'])],
    ['a nested procedure call', chain('ProduceResults@neo4j', ['Projection@neo4j', 'CASE WHEN n.x IS NULL THEN COUNT { ResolvedCall(db.labels() :: label) RETURN label } END AS c'])],
    ['another database', chain('ProduceResults@other', 'AllNodesScan@other')],
    ['an unknown operator', chain('ProduceResults@neo4j', 'FutureOperator@neo4j')],
    ['a write deep in a right branch', { operatorType: 'ProduceResults@neo4j', children: [{ operatorType: 'Apply@neo4j', children: [{ operatorType: 'AllNodesScan@neo4j' }, { operatorType: 'SetProperty@neo4j' }] }] }],
  ])('refuses %s with LLMOS_EPERM', (_label, plan) => {
    expect(() => assertReadOnlyPlan(plan, 'neo4j')).toThrow(expect.objectContaining({ code: 'LLMOS_EPERM' }));
  });

  it.each<[string, PlanNode]>([
    ['a scan', chain('ProduceResults@neo4j', 'Filter@neo4j', 'NodeByLabelScan@neo4j')],
    ['variable-length and optional expands', chain('ProduceResults@neo4j', 'EagerAggregation@neo4j', 'OptionalExpand(All)@neo4j', 'VarLengthExpand(Pruning,BFS,All)@neo4j', 'AllNodesScan@neo4j')],
    ['db.labels()', chain('ProduceResults@neo4j', ['ProcedureCall@neo4j', 'db.labels() :: (label :: STRING)'])],
    ['a folded EXISTS pattern', chain('ProduceResults@neo4j', ['Filter@neo4j', 'getDegree((a)-->()) > 0'])],
    ['a parallel-runtime scan', chain('ProduceResults@neo4j', 'PartitionedAllNodesScan@neo4j')],
  ])('lets through %s', (_label, plan) => {
    expect(() => assertReadOnlyPlan(plan, 'neo4j')).not.toThrow();
  });

  it('refuses a missing plan', () => {
    expect(() => assertReadOnlyPlan(false)).toThrow(expect.objectContaining({ code: 'LLMOS_EPERM' }));
  });

  it('reads operator and procedure names as Neo4j renders them', () => {
    expect(operatorName('VarLengthExpand(Pruning,BFS,All)@neo4j')).toEqual({ base: 'VarLengthExpand', database: 'neo4j' });
    expect(operatorName('PartitionedNodeByLabelScan')).toEqual({ base: 'NodeByLabelScan', database: undefined });
    expect(procedureName('db.schema.visualization() :: (nodes :: LIST<NODE>)')).toBe('db.schema.visualization');
    expect(procedureName('`db`.labels() :: x')).toBeUndefined();
  });
});

describe('cypher guard', () => {
  it('caps the query text with LLMOS_ETOOBIG', () => {
    expect(() => assertQuerySize('x'.repeat(MAX_CYPHER_QUERY_CHARS))).not.toThrow();
    expect(() => assertQuerySize('x'.repeat(MAX_CYPHER_QUERY_CHARS + 1))).toThrow(expect.objectContaining({ code: 'LLMOS_ETOOBIG' }));
  });

  it('accepts only EXPLAIN query type "r"', () => {
    expect(() => assertReadOnlyType('r')).not.toThrow();
    for (const t of ['w', 'rw', 's', undefined]) expect(() => assertReadOnlyType(t)).toThrow(expect.objectContaining({ code: 'LLMOS_EPERM' }));
  });
});

describe('Lucene query text', () => {
  it('escapes every special character', () => {
    expect(escapeLucene('a+b-c&&d||e!f(g)h{i}j[k]l^m"n~o*p?q:r\\s/t')).toBe('a\\+b\\-c\\&\\&d\\|\\|e\\!f\\(g\\)h\\{i\\}j\\[k\\]l\\^m\\"n\\~o\\*p\\?q\\:r\\\\s\\/t');
  });

  it('turns words into boosted exact-or-prefix terms in the graph, dropping syntax; one-letter words are exact', () => {
    expect(luceneQuery('user:alice', 'Alice AND (tea) x')).toBe(`+gkey:${kgGraphKey('user:alice')} +(alice^2 alice* and^2 and* tea^2 tea* x)`);
    expect(luceneQuery('user:alice', '*:* ~')).toBeUndefined();
  });
});
