import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountOpenAiRoutes } from '../../../plugins/gateway-openai/index.js';
import { serveHttp } from '../../../src/mcp/http.js';
import { kernelApi } from '../../../src/kernel/api.js';
import type { CompleteOptions, Completion, CompletionRequest, SpawnHook, Task } from '../../../src/plugin-api/index.js';
import { EchoBackend } from '../../fixtures/echo-backend.js';
import { testKernel } from '../../helpers/kernel.js';

const TOKEN = 'gateway-tools-token';

/** A tool-calling model for the test: calls the first tool it is offered with {city:"Paris"}, else echoes. */
class ToolEcho extends EchoBackend {
  readonly requests: CompletionRequest[] = [];
  constructor() {
    super('tooler', { capabilities: { context_window: 8192, max_output_tokens: 1024, streaming: true, tool_calling: true } }, 1);
  }
  override async complete(req: CompletionRequest, opts: CompleteOptions): Promise<Completion> {
    this.requests.push(req);
    const tool = req.tools?.[0];
    if (!tool) return super.complete(req, opts);
    return { text: '', content: [{ type: 'tool_use', id: 'call_1', name: tool.name, input: { city: 'Paris' } }], usage: { prompt_tokens: 5, completion_tokens: 3 }, finish_reason: 'tool_calls' };
  }
}

const weather = { type: 'function' as const, function: { name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };

describe('OpenAI gateway: tools, tool messages and structured output through the core message model', () => {
  let booted: Awaited<ReturnType<typeof testKernel>>;
  let http: Awaited<ReturnType<typeof serveHttp>>;
  let openai: OpenAI;
  const echo = new EchoBackend('echo', {}, 1);
  const tooler = new ToolEcho();
  const spawned: Task[] = [];
  const hook: SpawnHook = { name: 'witness', input: {}, beforeSpawn: (t) => (spawned.push(t), t) };

  beforeAll(async () => {
    booted = await testKernel({ backends: [echo, tooler] });
    booted.kernel.addSpawnHook(hook);
    http = await serveHttp(booted.kernel, { host: '127.0.0.1', port: 0, token: TOKEN, mount: (app) => mountOpenAiRoutes(app, kernelApi(booted.kernel)) });
    openai = new OpenAI({ baseURL: `${http.url}/v1`, apiKey: TOKEN, maxRetries: 0 });
  });
  afterAll(async () => {
    await http.close();
    await booted.stop();
  });

  it('passes tools and tool_choice to a tool_calling model ("auto" skips models without it) and answers with tool_calls', async () => {
    const r = await openai.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [weather], tool_choice: { type: 'function', function: { name: 'get_weather' } } });
    expect(r.model).toBe('tooler'); // echo is the first candidate, but it has no tool_calling
    expect(r.choices[0].finish_reason).toBe('tool_calls');
    expect(r.choices[0].message.content).toBeNull();
    expect(r.choices[0].message.tool_calls).toEqual([{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }]);
    const req = tooler.requests.at(-1)!;
    expect(req.tools).toEqual([{ name: 'get_weather', description: 'Weather of a city', input_schema: weather.function.parameters }]);
    expect(req.tool_choice).toEqual({ type: 'tool', name: 'get_weather' });
  });

  it('streams tool calls as a tool_calls delta with finish_reason "tool_calls"', async () => {
    const stream = await openai.chat.completions.create({ model: 'tooler', messages: [{ role: 'user', content: 'Weather?' }], tools: [weather], stream: true });
    const deltas: unknown[] = [];
    let finish: string | null = null;
    for await (const c of stream) {
      if (c.choices[0]?.delta?.tool_calls) deltas.push(...c.choices[0].delta.tool_calls);
      finish = c.choices[0]?.finish_reason ?? finish;
    }
    expect(deltas).toEqual([{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }]);
    expect(finish).toBe('tool_calls');
  });

  it('turns assistant tool_calls and role "tool" messages into tool_use and tool_result blocks, and passes response_format', async () => {
    const schema = { type: 'object', properties: { summary: { type: 'string' } } };
    await openai.chat.completions.create({
      model: 'tooler',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather' }, { type: 'text', text: ' in Paris?' }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny, 21 C' },
      ],
      response_format: { type: 'json_schema', json_schema: { name: 'report', schema, strict: true } },
    });
    const req = tooler.requests.at(-1)!;
    expect(req.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather' }, { type: 'text', text: ' in Paris?' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } }] },
      { role: 'tool', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: 'sunny, 21 C' }] },
    ]);
    expect(req.response_format).toEqual({ type: 'json_schema', name: 'report', schema, strict: true });
  });

  it('spawns through proc_spawn: spawn hooks see the task, and the task bounds apply', async () => {
    const before = spawned.length;
    await openai.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'via the syscall table' }] });
    expect(spawned.length).toBe(before + 1);
    expect(spawned.at(-1)!.messages).toEqual([{ role: 'user', content: 'via the syscall table' }]);

    const tools = Array.from({ length: 129 }, (_, i) => ({ ...weather, function: { ...weather.function, name: `t${i}` } }));
    const err = await openai.chat.completions.create({ model: 'tooler', messages: [{ role: 'user', content: 'x' }], tools }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('LLMOS_EINVAL');
    expect(spawned.length).toBe(before + 1); // refused before any hook ran
  });

  it('refuses a tool task pinned to a model without tool calling, saying so', async () => {
    const err = await openai.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'x' }], tools: [weather] }).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('LLMOS_EINVAL');
    expect((err as Error).message).toContain('does not support tool calling');
  });
});
