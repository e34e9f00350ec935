import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CancelledNotificationSchema, CreateMessageRequestSchema, type CreateMessageRequest } from '@modelcontextprotocol/sdk/types.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { boot } from '../../../src/boot.js';
import { createLogger } from '../../../src/kernel/log.js';
import sampling, { SAMPLING_SESSION_HOOK, SamplingOptions, samplingBackendFor, type SamplingSessionHook } from '../../../plugins/model-sampling/index.js';
import fcfs from '../../../plugins/sched-fcfs/index.js';
import { echoPlugin } from '../../fixtures/echo-backend.js';

/** A real MCP client/server pair in memory; the client samples with a scripted "model" when `canSample`. */
async function session(canSample: boolean, answer: (p: CreateMessageRequest['params']) => Promise<string> = async () => 'bonjour (client model)') {
  const seen: Array<CreateMessageRequest['params']> = [];
  const cancelled: unknown[] = [];
  const client = new Client({ name: 'test-client', version: '1.0.0' }, { capabilities: canSample ? { sampling: {} } : {} });
  if (canSample)
    client.setRequestHandler(CreateMessageRequestSchema, async (req) => {
      seen.push(req.params);
      return { role: 'assistant', model: 'client-llm-7b', stopReason: 'endTurn', content: { type: 'text', text: await answer(req.params) } };
    });
  client.setNotificationHandler(CancelledNotificationSchema, async (n) => void cancelled.push(n.params));
  const server = new Server({ name: 'llmos-test', version: '0.0.0' }, { capabilities: {} });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(a), client.connect(b)]);
  return { client, server, seen, cancelled, close: () => Promise.all([client.close(), server.close()]) };
}

describe('model-sampling: the client\'s own model over sampling/createMessage', () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });
  async function kernel() {
    const dir = mkdtempSync(join(tmpdir(), 'llmos-sampling-'));
    const { kernel, stop } = await boot({ inline: [fcfs, sampling, echoPlugin([])], dataDir: dir, logger: createLogger('silent') });
    cleanup.push(async () => (await stop(), rmSync(dir, { recursive: true, force: true })));
    return kernel;
  }

  it('registers a model only for sessions whose client declared sampling, and runs a process on it', async () => {
    const k = await kernel();
    const hook = k.container.resolve<SamplingSessionHook>(SAMPLING_SESSION_HOOK);
    const plain = await session(false);
    const sampler = await session(true);
    cleanup.push(plain.close, sampler.close);
    expect(hook.attach(plain.server, 'plain')).toBeUndefined();
    expect(k.models.get('client/plain')).toBeUndefined();
    const detach = hook.attach(sampler.server, 's1', 'owner-1');
    expect(detach).toBeTypeOf('function');
    expect(k.models.get('client/s1')?.backend.info).toMatchObject({ backend: 'model-sampling', owner: 'owner-1' });

    const p = k.spawn({ system: 'Be brief.', prompt: "Translate 'good morning' into French", model: 'client/s1', max_tokens: 32, temperature: 0 } as never, 'owner-1');
    const done = await k.procs.wait(p.pid, 5_000);
    expect(done.exit).toBe('ok');
    expect(done.result?.text).toBe('bonjour (client model)');
    expect(done.usage.prompt_tokens).toBeGreaterThan(0);
    expect(done.usage.completion_tokens).toBeGreaterThan(0);
    expect(sampler.seen[0]).toMatchObject({ systemPrompt: 'Be brief.', maxTokens: 32, temperature: 0, includeContext: 'none', messages: [{ role: 'user', content: { type: 'text', text: "Translate 'good morning' into French" } }] });

    await detach!();
    expect(k.models.get('client/s1')).toBeUndefined();
  });

  it('passes ModelPreferences on: plugin defaults, overridden per task by metadata.model_preferences', async () => {
    const s = await session(true);
    cleanup.push(s.close);
    const b = samplingBackendFor(s.server, 's2', SamplingOptions.parse({ modelPreferences: { hints: [{ name: 'claude' }], costPriority: 0.2 } }))!;
    const ctl = new AbortController();
    await b.complete({ messages: [{ role: 'user', content: 'hi' }], max_tokens: 8 }, { signal: ctl.signal });
    await b.complete({ messages: [{ role: 'user', content: 'hi' }], max_tokens: 8, metadata: { model_preferences: { costPriority: 0.9, speedPriority: 1 } } } as never, { signal: ctl.signal });
    expect(s.seen[0].modelPreferences).toEqual({ hints: [{ name: 'claude' }], costPriority: 0.2 });
    expect(s.seen[1].modelPreferences).toEqual({ hints: [{ name: 'claude' }], costPriority: 0.9, speedPriority: 1 });
  });

  it('proc kill cancels the sampling request on the client', async () => {
    const k = await kernel();
    const s = await session(true, () => new Promise(() => undefined)); // the client's model never answers
    cleanup.push(s.close);
    k.container.resolve<SamplingSessionHook>(SAMPLING_SESSION_HOOK).attach(s.server, 's3');
    const p = k.spawn({ prompt: 'think forever', model: 'client/s3', max_tokens: 8 } as never, 'owner-1');
    await expect.poll(() => s.seen.length).toBe(1);
    k.kill(p.pid);
    expect((await k.procs.wait(p.pid, 5_000)).exit).toBe('killed');
    await expect.poll(() => s.cancelled.length).toBe(1);
  });
});
