import { definePlugin, z } from '../../src/plugin-api/index.js';
import { chainSyscall } from './chain.js';
import { debateSyscall } from './debate.js';
import { ensembleSyscall } from './ensemble.js';
import { KgBridge } from './kg-bridge.js';

/**
 * Collaboration between models as process trees: collab_ensemble,
 * collab_chain and collab_debate. Each call is a group process (kind
 * 'group') whose children are ordinary processes, scheduled and allocated
 * like any other; killing the group kills them, and their usage rolls up
 * into it. Groups still running at shutdown are killed.
 */
export default definePlugin({
  name: 'collab',
  version: '1.0.0',
  apiVersion: '^1.0.0',
  description: 'Ensembles with vote/judge/synthesis fusion, pipelines with an evaluator-optimizer loop, and debates, as process trees.',
  provides: ['syscall'],
  options: z.object({}),
  register(scope) {
    const k = scope.kernel;
    const kg = new KgBridge(k);
    scope.syscall(ensembleSyscall(k, kg));
    scope.syscall(chainSyscall(k, kg));
    scope.syscall(debateSyscall(k, kg));
    const stop = () => {
      for (const p of k.procs()) if (p.kind === 'group' && p.state !== 'exited' && p.task.metadata.collab !== undefined) k.kill(p.pid);
    };
    return { stop };
  },
});
