import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Kernel } from '../kernel/kernel.js';
import { allTools } from './tool-list.js';
import { DEFAULT_TOOLSETS, exposes, type ToolExposure } from './toolsets.js';

/**
 * What one tool costs a conversation: the o200k_base tokens (OpenAI's
 * current encoding, via gpt-tokenizer) of the part a host hands its model,
 * {name, description, input_schema} as compact JSON. Titles, annotations,
 * output schemas and _meta stay with the host.
 */
export const toolTokens = (t: Pick<Tool, 'name' | 'description' | 'inputSchema'>): number =>
  countTokens(JSON.stringify({ name: t.name, description: t.description, input_schema: t.inputSchema }));

export interface ToolsetCost {
  toolset: string;
  tools: Array<{ name: string; tokens: number }>;
  tokens: number;
}

/** The cost of each toolset of `kernel`'s syscalls (every tool, writable ones too), largest tool first. */
export function toolsetCosts(kernel: Kernel): ToolsetCost[] {
  const { syscalls, result } = allTools(kernel);
  const by = new Map<string, ToolsetCost>();
  result.tools.forEach((t, i) => {
    const toolset = kernel.syscalls.get(syscalls[i])?.toolset ?? '';
    const c = by.get(toolset) ?? by.set(toolset, { toolset, tools: [], tokens: 0 }).get(toolset)!;
    const tokens = toolTokens(t);
    c.tools.push({ name: t.name, tokens });
    c.tokens += tokens;
  });
  for (const c of by.values()) c.tools.sort((a, b) => b.tokens - a.tokens);
  return [...by.values()];
}

/** The tokens of every tool a server with `exposure` offers (before per-owner policy). */
export function exposedTokens(kernel: Kernel, exposure: ToolExposure = { toolsets: new Set(DEFAULT_TOOLSETS), readOnly: false }): number {
  const { syscalls, result } = allTools(kernel);
  return result.tools.reduce((sum, t, i) => sum + (exposes(exposure, kernel.syscalls.get(syscalls[i])!) ? toolTokens(t) : 0), 0);
}
