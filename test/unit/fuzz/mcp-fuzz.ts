import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import fc from 'fast-check';
import type { JsonSchema } from './schema-arbitrary.js';
import { fuzzHints } from './hints.js';
import { clampInput, toolInput } from './tool-inputs.js';

/** How each call ended: "ok" or the LLMOS_E… code of its tool error. */
export type Tally = Map<string, number>;

export interface ToolFuzzOptions {
  seed: number;
  runsPerTool: number;
  /** Longer than any clamped wait; a call still pending then counts as a hang. */
  callTimeoutMs: number;
  tally: Tally;
  /** true (the bench): count violations and go on instead of failing at the first. */
  keepGoing?: boolean;
  violations?: string[];
}

const CODED = /^(LLMOS_E[A-Z]+): /;
/** An error says what to fix in a few lines, besides any input it quotes; more is an amplification (a small input, a huge answer). */
const MAX_ERROR_OWN_TEXT = 4_000;

/** Why a tool result breaks the contract, or undefined when it keeps it: ok, or a coded tool error that is not internal. */
export function contractBreach(r: Awaited<ReturnType<Client['callTool']>>, inputChars: number): { code: string; breach?: string } {
  if (!r.isError) return { code: 'ok' };
  const text = (r.content as Array<{ text?: string }>)[0]?.text ?? '';
  const code = CODED.exec(text)?.[1];
  if (!code) return { code: 'uncoded', breach: `tool error without an LLMOS code: ${text.slice(0, 300)}` };
  const meta = (r._meta as { 'llmos/error'?: { code?: string } } | undefined)?.['llmos/error'];
  if (meta?.code !== code) return { code, breach: `_meta llmos/error code ${meta?.code} differs from the text's ${code}` };
  if (code === 'LLMOS_EINTERNAL') return { code, breach: `internal error: ${text.slice(0, 500)}` };
  const message = text.split('\n')[0]; // a failed process's record follows on the next line
  if (message.length > MAX_ERROR_OWN_TEXT + inputChars) return { code, breach: `an error message of ${message.length} characters: ${message.slice(0, 300)}` };
  return { code };
}

/** Calls one tool and checks the contract; throws (for fast-check to shrink) on a breach, a transport error or a hang. */
export async function checkedCall(client: Client, name: string, args: Record<string, unknown>, o: ToolFuzzOptions): Promise<void> {
  let breach: string | undefined;
  let code: string;
  try {
    const r = await client.callTool({ name, arguments: args }, undefined, { timeout: o.callTimeoutMs });
    ({ code, breach } = contractBreach(r, JSON.stringify(args).length));
  } catch (e) {
    code = 'thrown';
    breach = `call threw instead of answering a tool error: ${(e as Error).message.slice(0, 300)}`;
  }
  o.tally.set(code, (o.tally.get(code) ?? 0) + 1);
  if (!breach) return;
  if (!o.keepGoing) throw new Error(`${name}: ${breach}`);
  o.violations?.push(`${name} ${breach} <- ${JSON.stringify(args).slice(0, 300)}`);
}

/** The server still answers sys_info, with its kernel version. */
export async function stillServing(client: Client): Promise<void> {
  const r = await client.callTool({ name: 'sys_info', arguments: {} }, undefined, { timeout: 10_000 });
  if (r.isError || typeof (r.structuredContent as { version?: unknown })?.version !== 'string') throw new Error(`sys_info stopped answering: ${JSON.stringify(r).slice(0, 300)}`);
}

/**
 * One batch: `runsPerTool` generated inputs for one tool through fast-check
 * (seed + the tool's index, so a failure replays alone), then sys_info.
 */
export async function fuzzTool(client: Client, tool: { name: string; inputSchema: unknown }, index: number, o: ToolFuzzOptions): Promise<void> {
  const schema = tool.inputSchema as JsonSchema;
  const arb = toolInput(schema, fuzzHints).map((x) => clampInput(x, schema));
  await fc.assert(
    fc.asyncProperty(arb, (args) => checkedCall(client, tool.name, args, o)),
    { seed: o.seed + index, numRuns: o.runsPerTool },
  );
  await stillServing(client);
}
