import { Command } from 'commander';
import type { ProcRecord } from '../core/process.js';
import { LlmosError } from '../core/errors.js';
import { withRemote, withRemoteFlags, type RemoteFlags } from './remote.js';

/** A pid as typed on the command line: a positive integer, else LLMOS_EINVAL. */
export function pidArg(s: string): number {
  const n = Number(s);
  if (/^\d+$/.test(s.trim()) && Number.isSafeInteger(n) && n > 0) return n;
  throw new LlmosError('LLMOS_EINVAL', `${JSON.stringify(s.slice(0, 40))} is not a process id; give a positive integer from \`llmos ps\`.`);
}

/** `llmos kill PID…`: proc_kill on a running server; only a process's owner or an admin may. */
export function killCommand(): Command {
  return withRemoteFlags(new Command('kill'))
    .description('Kill processes (and their children) of a running server')
    .argument('<pid...>', 'process ids, from llmos ps')
    .action(async (pids: string[], o: RemoteFlags) => {
      const nums = pids.map(pidArg);
      await withRemote(o, async (r) => {
        for (const pid of nums) {
          const { out: killed } = await r.call<ProcRecord>('proc_kill', { pid });
          // The record says exited once the process has unwound (a model call aborting, a wait ending): give it a moment.
          const out = killed.state === 'exited' ? killed : await r.call<ProcRecord>('proc_wait', { pid, timeout_ms: 5000 }).then((w) => w.out, () => killed);
          process.stdout.write(`${out.pid} ${out.state}${out.exit ? ` ${out.exit}` : ''}\n`);
        }
      });
    });
}
