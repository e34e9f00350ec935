import { Command } from 'commander';
import { dataDir } from '../core/data-dir.js';
import { isLlmosError, LlmosError } from '../core/errors.js';
import { envMs } from '../daemon/env-ms.js';
import { isAlive, readKernelInfo, type KernelInfo } from '../daemon/info.js';
import { daemonPaths, type DaemonPaths } from '../daemon/paths.js';
import { BUSY_EXIT, tryConnect } from '../daemon/start-daemon.js';
import { configPath } from '../loader/resolve.js';

/** The kernel serving the data dir, when its process lives and its socket answers. */
async function liveKernel(p: DaemonPaths): Promise<KernelInfo | undefined> {
  const info = readKernelInfo(p);
  if (!info || !isAlive(info.pid)) return undefined;
  const sock = await tryConnect(p.socket);
  sock?.destroy();
  return sock ? info : undefined;
}

/** The kernel still booting for the data dir (it holds the lock but does not serve yet), so stop can end it too. */
async function bootingKernel(p: DaemonPaths): Promise<KernelInfo | undefined> {
  const info = readKernelInfo(p);
  if (info?.state !== 'starting' || !isAlive(info.pid)) return undefined;
  const { KernelLock } = await import('../daemon/kernel-lock.js');
  try {
    KernelLock.acquire(p).release();
    return undefined;
  } catch (e) {
    return isLlmosError(e) && e.code === 'LLMOS_EBUSY' ? info : undefined;
  }
}

function runCommand(): Command {
  return new Command('run')
    .description('Run the data dir\'s kernel in this process, serving the local socket (what `llmos serve` starts)')
    .option('-c, --config <file>', 'plugin config (default: $LLMOS_CONFIG or ./llmos.plugins.json)')
    .action(async (o: { config?: string }) => {
      const { hostKernel } = await import('./kernel-host.js');
      try {
        await hostKernel({ config: configPath(o.config), mode: 'daemon', idleMs: envMs('LLMOS_DAEMON_IDLE_MS', 600_000) });
      } catch (e) {
        if (!isLlmosError(e) || e.code !== 'LLMOS_EBUSY') throw e;
        process.stderr.write(`llmos: ${e.code}: ${e.message}\n`);
        process.exit(BUSY_EXIT);
      }
    });
}

function statusCommand(): Command {
  return new Command('status')
    .description('Show the kernel serving the data dir (pid, transport, socket, config) as JSON; exit 1 when none runs')
    .action(async () => {
      const p = daemonPaths(dataDir());
      const info = await liveKernel(p);
      process.stdout.write(JSON.stringify(info ? { running: true, data_dir: p.dataDir, log: p.log, ...info } : { running: false, data_dir: p.dataDir }, null, 2) + '\n');
      if (!info) process.exitCode = 1;
    });
}

function stopCommand(): Command {
  return new Command('stop')
    .description('Stop the kernel serving the data dir gracefully (SIGTERM): running work finishes or is put back for the next start')
    .action(async () => {
      const p = daemonPaths(dataDir());
      const info = (await liveKernel(p)) ?? (await bootingKernel(p));
      if (!info) return void process.stderr.write(`llmos: no kernel is running for ${p.dataDir}\n`);
      process.kill(info.pid, 'SIGTERM');
      const end = Date.now() + envMs('LLMOS_SHUTDOWN_GRACE_MS', 10_000) + 15_000;
      while (isAlive(info.pid)) {
        if (Date.now() > end) throw new LlmosError('LLMOS_ETIMEDOUT', `the kernel (pid ${info.pid}) has not stopped; see ${p.log}, or end it with kill -9 ${info.pid} (its work is run again at the next start).`);
        await new Promise((r) => setTimeout(r, 50));
      }
      process.stderr.write(`llmos: stopped the kernel (pid ${info.pid}) for ${p.dataDir}\n`);
    });
}

/** `llmos daemon run|status|stop`: the per-data-dir kernel that stdio clients share. */
export function daemonCommand(): Command {
  return new Command('daemon')
    .description('The data dir\'s shared kernel that `llmos serve` attaches to')
    .addCommand(runCommand())
    .addCommand(statusCommand())
    .addCommand(stopCommand());
}
