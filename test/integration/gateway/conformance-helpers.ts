import { expect } from 'vitest';

/** One chat.completion.chunk as it comes over the wire (the fields the conformance tests read). */
export interface Chunk {
  id: string;
  object: string;
  model: string;
  choices: Array<{
    index: number;
    delta: { role?: string; content?: string | null; tool_calls?: Array<{ index: number; id?: string; type?: string; function?: { name?: string; arguments?: string } }>; function_call?: { name?: string; arguments?: string } };
    finish_reason: string | null;
    logprobs?: { content: Array<{ token: string; logprob: number; top_logprobs: unknown[] }> | null } | null;
  }>;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null;
}

export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
}

/**
 * Reads a raw SSE body and checks OpenAI's framing: every event is one
 * `data: ` line followed by a blank line, the last is `data: [DONE]`, every
 * other one is JSON. Returns the parsed chunks (without [DONE]).
 */
export function parseSse(body: string): Chunk[] {
  expect(body.endsWith('data: [DONE]\n\n'), `stream must end with the [DONE] marker: ${body.slice(-200)}`).toBe(true);
  const events = body.split('\n\n');
  expect(events.pop()).toBe('');
  expect(events.pop()).toBe('data: [DONE]');
  return events.map((e) => {
    expect(e.startsWith('data: '), `an SSE event must be one data: line: ${e.slice(0, 120)}`).toBe(true);
    expect(e.includes('\n'), 'one line per event').toBe(false);
    return JSON.parse(e.slice(6)) as Chunk;
  });
}

/** A streamed choice put back together: its text, its tool calls (arguments concatenated by index), its finish reason. */
export function assemble(chunks: readonly Chunk[], choice = 0) {
  let text = '';
  let finish: string | null = null;
  const calls: Array<{ id?: string; name?: string; arguments: string }> = [];
  for (const c of chunks)
    for (const ch of c.choices) {
      if (ch.index !== choice) continue;
      text += ch.delta.content ?? '';
      for (const d of ch.delta.tool_calls ?? []) {
        expect(Number.isInteger(d.index), 'every tool-call delta carries its index').toBe(true);
        const call = (calls[d.index] ??= { arguments: '' });
        if (d.id) call.id = d.id;
        if (d.function?.name) call.name = d.function.name;
        call.arguments += d.function?.arguments ?? '';
      }
      if (ch.finish_reason) finish = ch.finish_reason;
    }
  return { text, calls, finish };
}

/** Asserts an OpenAI-shaped error response and returns its error object. */
export async function expectOpenAiError(res: Response, status: number, code?: string): Promise<OpenAiErrorBody['error']> {
  const raw = await res.text();
  expect(res.status, raw.slice(0, 300)).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  expect(raw).not.toMatch(/<html|<!DOCTYPE|jsonrpc/i);
  const body = JSON.parse(raw) as OpenAiErrorBody;
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  if (code) expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(10);
  return body.error;
}
