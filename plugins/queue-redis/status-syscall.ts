import { defineSyscall, z } from '../../src/plugin-api/index.js';
import type { Lanes } from './lanes.js';
import type { TableSync } from './table-sync.js';

const Counts = z.record(z.string(), z.number().int());

/** cluster_status: this node's name and, per model it serves, the cluster-wide BullMQ job counts. */
export const clusterStatus = (prefix: string, lanes: Lanes, sync: TableSync) =>
  defineSyscall({
    name: 'cluster_status',
    toolset: 'admin',
    title: 'Cluster status',
    description: 'This node in the Redis cluster: its name, the calls it runs now, and per model the cluster-wide queue (wait, prioritized, active, delayed, failed).',
    input: z.object({}),
    output: z.object({ node: z.string(), prefix: z.string(), running_here: z.number().int(), models: z.record(z.string(), Counts) }),
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    handler: async () => ({ node: sync.node, prefix, running_here: sync.running.size, models: await lanes.counts() }),
  });
