import { describe, expect, it } from 'vitest';
import { EchoBackend } from '../../fixtures/echo-backend.js';
import { collabKernel } from './collab-kernel.js';

describe('collab tools over MCP', () => {
  it('lists the three syscalls with input and output schemas a client can read', async () => {
    const { client, stop } = await collabKernel([new EchoBackend('e')]);
    try {
      const { tools } = await client.listTools();
      const collab = tools.filter((t) => t.name.startsWith('collab_'));
      expect(collab.map((t) => t.name).sort()).toEqual(['collab_chain', 'collab_debate', 'collab_ensemble']);
      for (const t of collab) {
        expect(t.inputSchema.type).toBe('object');
        expect(t.outputSchema?.properties).toHaveProperty('collab');
        expect(t.annotations?.readOnlyHint).toBe(false);
      }
      const ens = collab.find((t) => t.name === 'collab_ensemble')!;
      expect(Object.keys(ens.inputSchema.properties ?? {})).toEqual(expect.arrayContaining(['prompt', 'k', 'models', 'fusion', 'judge_model', 'quorum', 'wait', 'kg']));
    } finally {
      await stop();
    }
  });
});
