import { describe, expect, it } from 'vitest';
import { MAX_TOOL_DESCRIPTION, ToolDefinitionSchema } from '../../../src/core/message.js';

/**
 * Claude Code's own tools carry descriptions past 8,192 characters (its Bash
 * tool's does), so a Messages request from it must pass; the bound still holds.
 */
describe('a tool description', () => {
  const tool = (n: number) => ({ name: 'Bash', description: 'x'.repeat(n), input_schema: { type: 'object' } });

  it('of Claude Code size (12,000 characters) is accepted', () => {
    expect(ToolDefinitionSchema.safeParse(tool(12_000)).success).toBe(true);
  });

  it('over the bound is refused, naming the field', () => {
    const r = ToolDefinitionSchema.safeParse(tool(MAX_TOOL_DESCRIPTION + 1));
    expect(r.success).toBe(false);
    expect(r.error!.issues[0].path).toEqual(['description']);
  });
});
