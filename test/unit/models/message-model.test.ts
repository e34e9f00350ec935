import { describe, expect, it } from 'vitest';
import { toOpenAiExtras, toOpenAiMessages } from '../../../plugins/model-openai/chat-format.js';
import { SamplingBackend } from '../../../plugins/model-sampling/backend.js';
import { samplingTools, toSamplingMessages } from '../../../plugins/model-sampling/sampling-format.js';
import { completionRequest } from '../../../src/core/model.js';
import { TaskSchema, taskMessages, taskText } from '../../../src/core/task.js';
import { MAX_SCHEMA_BYTES, MAX_TOOLS, type ModelInfo, type ToolDefinition } from '../../../src/plugin-api/index.js';

const tool: ToolDefinition = { name: 'get_weather', description: 'Weather of a city', input_schema: { type: 'object', properties: { city: { type: 'string' } } } };
const transcript = [
  { role: 'system' as const, content: 'be brief' },
  { role: 'user' as const, content: [{ type: 'text' as const, text: 'Weather here?' }, { type: 'image' as const, source: { type: 'base64' as const, media_type: 'image/png', data: 'iVBORw0KGgo=' } }] },
  { role: 'assistant' as const, content: [{ type: 'tool_use' as const, id: 'c1', name: 'get_weather', input: { city: 'Paris' } }] },
  { role: 'tool' as const, content: [{ type: 'tool_result' as const, tool_use_id: 'c1', content: 'sunny', is_error: false }] },
];

describe('core message model: task schema', () => {
  it('keeps the simple form valid and takes blocks, tools, tool_choice and response_format', () => {
    expect(TaskSchema.safeParse({ messages: [{ role: 'user', content: 'hi' }] }).success).toBe(true);
    const t = TaskSchema.parse({ messages: transcript, tools: [tool], tool_choice: { type: 'tool', name: 'get_weather' }, response_format: { type: 'json_object' } });
    expect(t.tools).toEqual([tool]);
  });

  it('bounds what allocates: tool count, schema size; and a named tool_choice must name a tool', () => {
    const many = Array.from({ length: MAX_TOOLS + 1 }, (_, i) => ({ ...tool, name: `t${i}` }));
    expect(TaskSchema.safeParse({ prompt: 'x', tools: many }).success).toBe(false);
    const huge = { type: 'object', description: 'x'.repeat(MAX_SCHEMA_BYTES) };
    expect(TaskSchema.safeParse({ prompt: 'x', tools: [{ ...tool, input_schema: huge }] }).success).toBe(false);
    expect(TaskSchema.safeParse({ prompt: 'x', response_format: { type: 'json_schema', name: 'r', schema: huge } }).success).toBe(false);
    expect(TaskSchema.safeParse({ prompt: 'x', tools: [tool], tool_choice: { type: 'tool', name: 'other' } }).success).toBe(false);
    expect(TaskSchema.safeParse({ prompt: 'x', tool_choice: 'required' }).success).toBe(false);
  });

  it('counts every block and the tool schemas in taskText, never image data', () => {
    const t = TaskSchema.parse({ messages: transcript, tools: [tool] });
    const text = taskText(t);
    for (const part of ['be brief', 'Weather here?', 'get_weather {"city":"Paris"}', 'sunny', '"city":{"type":"string"}']) expect(text).toContain(part);
    expect(text).not.toContain('iVBORw0KGgo=');
  });

  it('carries tools, tool_choice and response_format into the CompletionRequest', () => {
    const t = TaskSchema.parse({ prompt: 'x', tools: [tool], tool_choice: 'required', response_format: { type: 'json_object' } });
    expect(completionRequest(t, taskMessages(t), 10)).toMatchObject({ max_tokens: 10, tools: [tool], tool_choice: 'required', response_format: { type: 'json_object' } });
    expect(completionRequest(TaskSchema.parse({ prompt: 'x' }), [], 10)).not.toHaveProperty('tools');
  });
});

describe('model-openai: core messages in OpenAI chat format', () => {
  it('maps images, tool_use and tool_result to image_url parts, tool_calls and tool messages', () => {
    expect(toOpenAiMessages(transcript)).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: [{ type: 'text', text: 'Weather here?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
    ]);
  });
  it('maps tools, a named tool_choice and a JSON schema format', () => {
    const extras = toOpenAiExtras({ messages: [], max_tokens: 1, tools: [tool], tool_choice: { type: 'tool', name: 'get_weather' }, response_format: { type: 'json_schema', name: 'r', schema: { type: 'object' }, strict: true } });
    expect(extras).toEqual({
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather of a city', parameters: tool.input_schema } }],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      response_format: { type: 'json_schema', json_schema: { name: 'r', schema: { type: 'object' }, strict: true } },
    });
  });
});

describe('model-sampling: core messages as MCP sampling', () => {
  it('maps blocks to MCP content and a named tool_choice to mode "required" with only that tool', () => {
    const msgs = toSamplingMessages(transcript, 'client/x');
    expect(msgs).toHaveLength(3); // the system message goes to systemPrompt
    expect(msgs[0].content).toEqual([{ type: 'text', text: 'Weather here?' }, { type: 'image', data: 'iVBORw0KGgo=', mimeType: 'image/png' }]);
    expect(msgs[2]).toEqual({ role: 'user', content: { type: 'tool_result', toolUseId: 'c1', content: [{ type: 'text', text: 'sunny' }], isError: false } });
    const other = { ...tool, name: 'other' };
    expect(samplingTools({ messages: [], max_tokens: 1, tools: [tool, other], tool_choice: { type: 'tool', name: 'other' } })).toEqual({
      tools: [{ name: 'other', description: 'Weather of a city', inputSchema: { type: 'object', properties: { city: { type: 'string' } } } }],
      toolChoice: { mode: 'required' },
    });
  });

  it('refuses tools with LLMOS_EINVAL when the client did not declare sampling.tools, and returns tool_use when it did', async () => {
    const info = (tool_calling: boolean): ModelInfo => ({ id: 'client/x', version: '1', backend: 'model-sampling', capabilities: { context_window: 1000, max_output_tokens: 100, streaming: false, tool_calling }, pricing: { input_per_1k: 0, output_per_1k: 0 }, expected_tokens_per_s: 1, concurrency: 1 });
    const sent: unknown[] = [];
    const peer = {
      getClientCapabilities: () => ({ sampling: { tools: {} } }),
      createMessage: async (params: unknown) => (sent.push(params), { role: 'assistant', model: 'm', stopReason: 'toolUse', content: [{ type: 'tool_use', id: 'u1', name: 'get_weather', input: { city: 'Oslo' } }] }),
    } as unknown as ConstructorParameters<typeof SamplingBackend>[1];
    const req = { messages: [{ role: 'user' as const, content: 'weather?' }], max_tokens: 10, tools: [tool] };
    const opts = { signal: new AbortController().signal };
    await expect(new SamplingBackend(info(false), peer, { timeoutMs: 1000 }).complete(req, opts)).rejects.toMatchObject({ code: 'LLMOS_EINVAL', message: expect.stringContaining('does not support tool calling') });
    expect(sent).toHaveLength(0);
    const out = await new SamplingBackend(info(true), peer, { timeoutMs: 1000 }).complete(req, opts);
    expect(out).toMatchObject({ finish_reason: 'tool_calls', content: [{ type: 'tool_use', id: 'u1', name: 'get_weather', input: { city: 'Oslo' } }] });
    expect(sent[0]).toMatchObject({ tools: [{ name: 'get_weather' }], toolChoice: { mode: 'auto' } });
  });
});
