/**
 * The schema portability checks of the MCP Inspector CLI's `--strict`
 * (@modelcontextprotocol/inspector 2.12.0, core/json/schemaLint), restated:
 *  - boolean-schema (error): a bare true/false where a schema object is
 *    expected (allowed only as additionalProperties / unevaluatedProperties /
 *    additionalItems / unevaluatedItems);
 *  - type-union (warning): `type` given as an array;
 *  - remote-ref (warning): a `$ref` not starting with "#", unless the
 *    document declares an `$id` somewhere;
 *  - untyped-schema (warning): a schema with no validation keyword at all
 *    (accepts anything), other than directly under `not`.
 * It walks every subschema position the Inspector walks, to depth 64.
 */
export interface Finding {
  rule: 'boolean-schema' | 'type-union' | 'remote-ref' | 'untyped-schema';
  path: string;
}

const MAY_BE_BOOLEAN = new Set(['additionalProperties', 'unevaluatedProperties', 'additionalItems', 'unevaluatedItems']);
const ONE_SCHEMA = ['items', 'contains', 'not', 'propertyNames', 'if', 'then', 'else', 'additionalProperties', 'unevaluatedProperties', 'additionalItems', 'unevaluatedItems', 'contentSchema'];
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const SCHEMA_MAPS = ['properties', 'patternProperties', 'dependentSchemas', 'dependencies', '$defs', 'definitions'];
const VALIDATES = new Set([
  ...['type', 'enum', 'const', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'format'],
  ...['contentMediaType', 'contentEncoding', 'contentSchema', 'maxItems', 'minItems', 'uniqueItems', 'maxContains', 'minContains', 'maxProperties', 'minProperties'],
  ...['required', 'dependentRequired', 'allOf', 'anyOf', 'oneOf', 'not', 'items', 'prefixItems', 'contains', 'additionalItems', 'unevaluatedItems'],
  ...['properties', 'patternProperties', 'additionalProperties', 'unevaluatedProperties', 'propertyNames', 'dependentSchemas', 'dependencies', '$ref', '$dynamicRef', '$recursiveRef'],
]);

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

function children(node: Node, path: string): Array<[unknown, string, string]> {
  const out: Array<[unknown, string, string]> = [];
  for (const k of SCHEMA_MAPS) if (isNode(node[k])) for (const [name, sub] of Object.entries(node[k] as Node)) out.push([sub, `${path}.${k}.${name}`, k]);
  for (const k of SCHEMA_LISTS) if (Array.isArray(node[k])) (node[k] as unknown[]).forEach((sub, i) => out.push([sub, `${path}.${k}[${i}]`, k]));
  for (const k of ONE_SCHEMA) {
    if (!(k in node)) continue;
    if (k === 'items' && Array.isArray(node[k])) (node[k] as unknown[]).forEach((sub, i) => out.push([sub, `${path}.items[${i}]`, k]));
    else out.push([node[k], `${path}.${k}`, k]);
  }
  return out;
}

const hasId = (node: unknown, depth = 0): boolean =>
  depth <= 64 && isNode(node) && ((typeof node.$id === 'string' && node.$id !== '') || children(node, '').some(([c]) => hasId(c, depth + 1)));

export function lintSchema(schema: unknown, root = 'inputSchema'): Finding[] {
  const findings: Finding[] = [];
  const ids = hasId(schema);
  const walk = (node: unknown, path: string, keyword: string | undefined, depth: number) => {
    if (depth > 64) return;
    if (typeof node === 'boolean') {
      if (!(keyword && MAY_BE_BOOLEAN.has(keyword))) findings.push({ rule: 'boolean-schema', path });
      return;
    }
    if (!isNode(node)) return;
    if (Array.isArray(node.type) && node.type.length > 0) findings.push({ rule: 'type-union', path });
    if (typeof node.$ref === 'string' && node.$ref !== '' && !node.$ref.startsWith('#') && !ids) findings.push({ rule: 'remote-ref', path });
    const validates = Object.keys(node).some((k) => VALIDATES.has(k)) || ('if' in node && ('then' in node || 'else' in node));
    if (!validates && keyword !== 'not') findings.push({ rule: 'untyped-schema', path });
    for (const [c, p, k] of children(node, path)) walk(c, p, k, depth + 1);
  };
  walk(schema, root, undefined, 0);
  return findings;
}
