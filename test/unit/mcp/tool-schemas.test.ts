import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boot } from '../../../src/boot.js';
import type { Kernel } from '../../../src/kernel/kernel.js';
import { packageRoot } from '../../../src/loader/resolve.js';
import { allTools } from '../../../src/mcp/tool-list.js';
import { exposedTokens, toolsetCosts } from '../../../src/mcp/tool-tokens.js';
import { DEFAULT_TOOLSETS } from '../../../src/mcp/toolsets.js';
import { lintSchema } from '../../helpers/schema-lint.js';
import { quietLogger, tempDir } from '../../helpers/kernel.js';

/** The default config's syscalls, registered but not started (no model loads). */
let kernel: Kernel;
let stop: () => Promise<void>;
beforeAll(async () => {
  ({ kernel, stop } = await boot({ config: join(packageRoot, 'llmos.plugins.json'), start: false, dataDir: tempDir(), logger: quietLogger() }));
});
afterAll(() => stop());

describe("the tools the default config lists", () => {
  it("pass the MCP Inspector's --strict schema portability checks: no finding on any input or output schema", () => {
    const tools = allTools(kernel).result.tools;
    expect(tools.length).toBeGreaterThan(30);
    const findings = tools.flatMap((t) => [...lintSchema(t.inputSchema, 'inputSchema'), ...(t.outputSchema ? lintSchema(t.outputSchema, 'outputSchema') : [])].map((f) => `${t.name} ${f.rule} ${f.path}`));
    expect(findings).toEqual([]);
  });

  it('the checks themselves flag each unportable shape', () => {
    const rules = (s: unknown) => lintSchema(s).map((f) => f.rule);
    expect(rules({ type: 'object', properties: { a: {} } })).toEqual(['untyped-schema']);
    expect(rules({ type: 'object', properties: { a: { type: ['string', 'null'] } } })).toEqual(['type-union']);
    expect(rules({ type: 'object', properties: { a: { $ref: 'https://example.com/s.json' } } })).toEqual(['remote-ref']);
    expect(rules({ type: 'object', properties: { a: true } })).toEqual(['boolean-schema']);
    expect(rules({ type: 'object', additionalProperties: true, properties: { a: { not: {} } } })).toEqual([]);
  });

  it('input schemas carry no $schema and no size bounds (the server checks those); output schemas keep draft-07 for client validators', () => {
    const spawn = allTools(kernel).result.tools.find((t) => t.name === 'proc_spawn')!;
    const text = JSON.stringify(spawn.inputSchema);
    expect(text).not.toMatch(/"\$schema"|"maxLength"|"maxItems"|9007199254740991/);
    expect(spawn.outputSchema?.$schema).toBe('http://json-schema.org/draft-07/schema#');
  });

  it(`the default toolsets (${DEFAULT_TOOLSETS.join(', ')}) cost at most 2,500 o200k tokens of name + description + input schema`, () => {
    const tokens = exposedTokens(kernel);
    expect(tokens).toBeGreaterThan(500); // counts something real
    expect(tokens).toBeLessThanOrEqual(2500);
    const costs = toolsetCosts(kernel);
    expect(costs.filter((c) => DEFAULT_TOOLSETS.includes(c.toolset)).reduce((n, c) => n + c.tokens, 0)).toBe(tokens);
  });

  it('every syscall declares a toolset and a read-only flag in the table', () => {
    for (const s of kernel.syscalls.list()) {
      expect(s.toolset, s.name).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(typeof s.annotations.readOnlyHint, s.name).toBe('boolean');
    }
  });
});
