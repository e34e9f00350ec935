import { CreateMessageRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import sampling from '../../../plugins/model-sampling/index.js';
import fcfs from '../../../plugins/sched-fcfs/index.js';
import { echoPlugin } from '../../fixtures/echo-backend.js';
import { call, callError, callRecord, connect, testKernel } from '../../helpers/kernel.js';

describe("the client's own model over MCP sampling", () => {
  it('is registered for a session that declared sampling, private to it, and gone when it closes', async () => {
    const { kernel, stop } = await testKernel({ inline: [fcfs, echoPlugin(), sampling] });
    const alice = await connect(kernel, 'alice', { sampling: {} });
    alice.client.setRequestHandler(CreateMessageRequestSchema, async (req) => ({
      role: 'assistant',
      model: 'alice-llm',
      content: { type: 'text', text: `bonjour from alice's model (${(req.params.messages[0].content as { text: string }).text.length} chars)` },
    }));
    const bob = await connect(kernel, 'bob');
    await new Promise((r) => setTimeout(r, 20));
    expect(kernel.models.get('client/alice')?.backend.info.owner).toBe('alice');
    expect(kernel.models.get('client/bob')).toBeUndefined(); // bob declared no sampling

    const p = await call(alice.client, 'proc_spawn', { prompt: "Translate 'good morning' into French", model: 'client/alice', wait: true });
    expect(p.exit).toBe('ok');
    expect(p.result.text).toMatch(/^bonjour from alice's model/);

    const theirs = await callRecord(bob.client, 'proc_spawn', { prompt: 'hello', model: 'client/alice', wait: true });
    expect(theirs.exit).toBe('failed');
    expect(theirs.error.code).toBe('LLMOS_EPERM');
    for (let i = 0; i < 5; i++) expect((await call(bob.client, 'proc_spawn', { prompt: `auto ${i}`, wait: true, metadata: { prefer: 'client/alice' } })).model).toBe('echo'); // never offered to bob's allocator

    await alice.close();
    await new Promise((r) => setTimeout(r, 20));
    expect(kernel.models.get('client/alice')).toBeUndefined();
    expect((await callError(bob.client, 'proc_spawn', { prompt: 'x', model: 'client/alice' })).code).toBe('LLMOS_ENOMODEL');
    await bob.close();
    await stop();
  });
});
