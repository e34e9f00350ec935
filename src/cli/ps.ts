import { Command } from 'commander';
import { listAll, procTable } from './proc-table.js';
import { withRemote, withRemoteFlags, type RemoteFlags } from './remote.js';

/** `llmos ps`: the processes of a running server the caller may see (an admin: all; anyone else: their own). */
export function psCommand(): Command {
  return withRemoteFlags(new Command('ps'))
    .description('List the processes of a running server (over Streamable HTTP)')
    .option('--state <state>', 'only processes in this state: new, ready, running, blocked or exited')
    .option('--owner <owner>', 'only processes of this owner ("self" for you; others need an admin token)')
    .option('--json', 'print the records as JSON')
    .action(async (o: RemoteFlags & { state?: string; owner?: string; json?: boolean }) => {
      const procs = await withRemote(o, (r) => listAll(r, { state: o.state, owner: o.owner }));
      if (o.json) process.stdout.write(JSON.stringify(procs, null, 2) + '\n');
      else process.stdout.write(procTable(procs).join('\n') + '\n');
    });
}
