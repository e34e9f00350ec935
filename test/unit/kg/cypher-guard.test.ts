import { describe, expect, it } from 'vitest';
import { assertNotDenied, assertReadOnlyType, normalizeCypher, stripCypherComments } from '../../../plugins/kg-neo4j/cypher-guard.js';
import { escapeLucene, luceneQuery } from '../../../plugins/kg-neo4j/lucene.js';

describe('cypher deny-list (layer 3)', () => {
  it.each([
    "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l",
    "load/* x */csv from $u as l return l",
    'MATCH (n) CALL (n) { RETURN n } IN TRANSACTIONS RETURN n',
    'MATCH (n) CALL (n) { RETURN n } IN\n\tTRANSACTIONS OF 10 ROWS RETURN n',
    "CALL apoc.load.json('https://x') YIELD value RETURN value",
    "CALL `apoc`.`load`.`json`($u) YIELD value RETURN value",
    "CALL apoc . load . jsonParams($u, {}, null) YIELD value RETURN value",
    "CALL apoc.periodic.iterate('MATCH (n) RETURN n', 'SET n.x = 1', {})",
    "CALL apoc.cypher.doIt('CREATE (n)', {})",
    'CALL dbms.listConfig()',
    'CALL DBMS.components()',
    "RETURN 'x' AS a; MATCH (n) DETACH DELETE n",
    "MATCH (n) RETURN n ;; RETURN 1",
  ])('refuses %s', (q) => {
    expect(() => assertNotDenied(q)).toThrow(expect.objectContaining({ code: 'LLMOS_EPERM' }));
  });

  it.each([
    'MATCH (n:Entity) RETURN n.name',
    'MATCH (n:Entity) RETURN n.name;',
    "MATCH (n:Entity) WHERE n.name = $name RETURN n // load csv is only mentioned in a comment",
    'MATCH p = (a)-[*1..3]->(b) RETURN p LIMIT 5',
    'CALL db.labels() YIELD label RETURN label',
  ])('lets through %s', (q) => {
    expect(() => assertNotDenied(q)).not.toThrow();
  });

  it('strips comments outside string literals only', () => {
    expect(stripCypherComments("RETURN '//not a comment' AS a // comment\nRETURN 1")).toBe("RETURN '//not a comment' AS a \nRETURN 1");
    expect(stripCypherComments('MATCH /* a */ (n) RETURN n')).toBe('MATCH   (n) RETURN n');
    expect(normalizeCypher('MATCH (n)\n RETURN `n` ;')).toBe('match(n)returnn');
  });

  it('layer 1 accepts only query type "r"', () => {
    expect(() => assertReadOnlyType('r')).not.toThrow();
    for (const t of ['w', 'rw', 's', undefined]) expect(() => assertReadOnlyType(t)).toThrow(expect.objectContaining({ code: 'LLMOS_EPERM' }));
  });
});

describe('Lucene query text', () => {
  it('escapes every special character', () => {
    expect(escapeLucene('a+b-c&&d||e!f(g)h{i}j[k]l^m"n~o*p?q:r\\s/t')).toBe('a\\+b\\-c\\&\\&d\\|\\|e\\!f\\(g\\)h\\{i\\}j\\[k\\]l\\^m\\"n\\~o\\*p\\?q\\:r\\\\s\\/t');
  });

  it('turns words into boosted exact-or-prefix terms, dropping syntax', () => {
    expect(luceneQuery('Alice AND (tea)')).toBe('alice^2 alice* and^2 and* tea^2 tea*');
    expect(luceneQuery('*:* ~')).toBeUndefined();
  });
});
