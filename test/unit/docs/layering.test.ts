import { cruise, type IForbiddenRuleType } from 'dependency-cruiser';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * The floors of ARCHITECTURE.md, as dependency-cruiser rules: arrows point
 * down only, plugins see only the plugin API, and nothing forms a cycle.
 * Type-only imports count: a contract that names an implementation type
 * depends on it.
 */
const FORBIDDEN: IForbiddenRuleType[] = [
  { name: 'core-imports-only-core', severity: 'error', from: { path: '^src/core/' }, to: { path: '^(src|plugins)/', pathNot: '^src/core/' } },
  { name: 'kernel-imports-only-core', severity: 'error', from: { path: '^src/kernel/' }, to: { path: '^(src|plugins)/', pathNot: '^src/(core|kernel)/' } },
  { name: 'plugin-api-imports-only-core', severity: 'error', from: { path: '^src/plugin-api/' }, to: { path: '^(src|plugins)/', pathNot: '^src/(core|plugin-api)/' } },
  { name: 'plugins-import-only-the-plugin-api', severity: 'error', from: { path: '^plugins/' }, to: { path: '^src/', pathNot: '^src/plugin-api/' } },
  { name: 'plugins-do-not-import-each-other', severity: 'error', from: { path: '^plugins/([^/]+)/' }, to: { path: '^plugins/', pathNot: '^plugins/$1/' } },
  { name: 'transports-and-loader-stay-below-commands', severity: 'error', from: { path: '^src/(loader|mcp)/' }, to: { path: '^(src/(cli|sim|route|boot)|plugins/)' } },
  { name: 'commands-boot-through-the-loader', severity: 'error', from: { path: '^src/(cli|sim|route)' }, to: { path: '^plugins/' } },
  { name: 'no-cycles', severity: 'error', from: { path: '^(src|plugins)/' }, to: { circular: true } },
];

describe('layering (dependency-cruiser)', () => {
  it('keeps every import on or below its floor, with no cycles', async () => {
    const { output } = await cruise(
      ['src', 'plugins'],
      { baseDir: ROOT, validate: true, ruleSet: { forbidden: FORBIDDEN }, tsPreCompilationDeps: true, doNotFollow: { path: 'node_modules' }, exclude: { path: '\\.d\\.ts$' } },
      undefined,
      { tsConfig: { fileName: `${ROOT}tsconfig.json` } },
    );
    const result = typeof output === 'string' ? JSON.parse(output) : output;
    const violations = (result.summary.violations as Array<{ from: string; to: string; rule: { name: string }; cycle?: Array<{ name: string }> }>).map(
      (v) => `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (cycle ${v.cycle.map((c) => c.name).join(' → ')})` : ''}`,
    );
    expect(result.summary.totalCruised).toBeGreaterThan(150); // it really read the tree
    expect(violations).toEqual([]);
  }, 60_000);
});
