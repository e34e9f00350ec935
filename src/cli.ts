#!/usr/bin/env node
import { Command } from 'commander';
import { isLlmosError } from './core/errors.js';
import { VERSION } from './loader/resolve.js';

/**
 * The commands, each imported only when named, so `llmos serve` on stdio
 * (a thin client of the daemon) loads no kernel code and starts fast.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./cli/serve.js')).serveCommand(),
  daemon: async () => (await import('./cli/daemon.js')).daemonCommand(),
  init: async () => (await import('./cli/init.js')).initCommand(),
  plugins: async () => (await import('./cli/plugins.js')).pluginsCommand(),
  plugin: async () => (await import('./cli/plugin-new.js')).pluginCommand(),
  model: async () =>
    new Command('model')
      .description('Manage local models')
      .addCommand((await import('./cli/model-pull.js')).modelPullCommand())
      .addCommand((await import('./cli/model-build.js')).modelBuildCommand()),
  capacity: async () => (await import('./cli/capacity.js')).capacityCommand(),
  simulate: async () => (await import('./cli/simulate.js')).simulateCommand(),
  'route-eval': async () => (await import('./cli/route-eval.js')).routeEvalCommand(),
  docs: async () => (await import('./cli/docs.js')).docsCommand(),
  ps: async () => (await import('./cli/ps.js')).psCommand(),
  top: async () => (await import('./cli/top.js')).topCommand(),
  kill: async () => (await import('./cli/kill.js')).killCommand(),
  logs: async () => (await import('./cli/logs.js')).logsCommand(),
  doctor: async () => (await import('./cli/doctor.js')).doctorCommand(),
};

/** The composition root of the command line. Every failure is one line on stderr and a non-zero exit. */
async function main(): Promise<void> {
  const program = new Command('llmos').description('LLMOS: an operating system for large language models, served over MCP').version(VERSION);
  const named = process.argv[2];
  // The kernel's DI needs reflect-metadata first; the stdio thin client loads no kernel and skips it.
  if (named !== 'serve' && named !== 'daemon') await import('reflect-metadata');
  for (const name of named && named in COMMANDS ? [named] : Object.keys(COMMANDS)) program.addCommand(await COMMANDS[name]());
  await program.parseAsync();
}

main().catch((e: unknown) => {
  const line = isLlmosError(e) ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
  process.stderr.write(`llmos: ${line.split('\n')[0]}\n`);
  process.exit(1);
});
