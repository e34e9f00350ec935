import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../../src/loader/resolve.js';

/** The longest a function, method or arrow may be, in lines from its first token to its closing brace. */
const MAX_LINES = 60;

/**
 * Functions allowed past MAX_LINES, as "path:name": only declarative tables,
 * functions that are one literal (a list of syscall entries, a file template).
 */
const ALLOWED = new Set<string>([
  // syscall tables: one defineSyscall entry after another
  'src/kernel/sys/sysproc.ts:procSyscalls',
  'plugins/alloc-core/syscalls.ts:allocSyscalls',
  'plugins/kg-core/syscalls.ts:kgSyscalls',
  'plugins/model-core/sys-eval.ts:evalSyscalls',
  'plugins/model-core/sys-models.ts:modelSyscalls',
  'plugins/sched-core/syscalls.ts:schedSyscalls',
  // `llmos plugin new` templates: the text of a file
  'src/cli/plugin-templates/knowledge.ts:store',
]);

interface Found {
  where: string;
  lines: number;
}

/** A readable name for a function node: its own name, else what it is assigned to, else its position. */
function nameOf(node: ts.Node, sf: ts.SourceFile): string {
  const named = (node as ts.FunctionLikeDeclaration).name;
  if (named) return named.getText(sf);
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) return parent.name.getText(sf);
  if (ts.isCallExpression(parent) && ts.isPropertyAccessExpression(parent.expression)) return `${nameOf(enclosing(parent), sf)}.${parent.expression.name.getText(sf)}(…)`;
  return `<anonymous@${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}>`;
}

/** The nearest function around a node (for naming callbacks), or the node's file. */
function enclosing(node: ts.Node): ts.Node {
  for (let p = node.parent; p; p = p.parent) if (ts.isFunctionLike(p)) return p;
  return node.getSourceFile();
}

/** Every function-like node with a body longer than `max` lines in one source text. */
export function longFunctions(file: string, text: string, max = MAX_LINES): Found[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: Found[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && (node as ts.FunctionLikeDeclaration).body) {
      const first = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const last = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      if (last - first + 1 > max) out.push({ where: `${file}:${nameOf(node, sf)}`, lines: last - first + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

describe(`no function over ${MAX_LINES} lines`, () => {
  const files = ['src', 'plugins'].flatMap((d) => tsFiles(join(packageRoot, d)));
  const found = files.flatMap((f) => longFunctions(relative(packageRoot, f), readFileSync(f, 'utf8')));

  it('in src/ and plugins/, outside the allowlist of declarative tables', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(found.filter((f) => !ALLOWED.has(f.where)).map((f) => `${f.where} has ${f.lines} lines; split it into named pieces`)).toEqual([]);
  });

  it('keeps the allowlist honest: every entry still exists and is still long', () => {
    const long = new Set(found.map((f) => f.where));
    expect([...ALLOWED].filter((w) => !long.has(w))).toEqual([]);
  });

  it('measures functions, methods and arrows, nested ones too', () => {
    const body = (n: number) => Array.from({ length: n }, (_, i) => `  x += ${i};`).join('\n');
    const src = [
      `export function long() {\n${body(59)}\n}`, // 61 lines
      `function ok() {\n${body(58)}\n}`, // 60 lines
      `class C {\n  m() {\n${body(60)}\n  }\n}`,
      `const arrow = () => {\n${body(60)}\n};`,
      `function outer() {\n  return [1].map((y) => {\n${body(60)}\n  });\n}`,
    ].join('\n');
    expect(longFunctions('x.ts', src).map((f) => `${f.where} ${f.lines}`)).toEqual(['x.ts:long 61', 'x.ts:m 62', 'x.ts:arrow 62', 'x.ts:outer 64', 'x.ts:outer.map(…) 62']);
  });
});
