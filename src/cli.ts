#!/usr/bin/env node
import 'reflect-metadata';
import { Command } from 'commander';
import { VERSION } from './boot.js';
import { isLlmosError } from './core/errors.js';
import { capacityCommand } from './cli/capacity.js';
import { docsCommand } from './cli/docs.js';
import { modelPullCommand } from './cli/model-pull.js';
import { pluginCommand } from './cli/plugin-new.js';
import { pluginsCommand } from './cli/plugins.js';
import { routeEvalCommand } from './cli/route-eval.js';
import { serveCommand } from './cli/serve.js';
import { simulateCommand } from './cli/simulate.js';

/** The composition root of the command line. Every failure is one line on stderr and a non-zero exit. */
const program = new Command('llmos')
  .description('LLMOS: an operating system for large language models, served over MCP')
  .version(VERSION)
  .addCommand(serveCommand())
  .addCommand(pluginsCommand())
  .addCommand(pluginCommand())
  .addCommand(new Command('model').description('Manage local models').addCommand(modelPullCommand()))
  .addCommand(capacityCommand())
  .addCommand(simulateCommand())
  .addCommand(routeEvalCommand())
  .addCommand(docsCommand());

program.parseAsync().catch((e: unknown) => {
  const line = isLlmosError(e) ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
  process.stderr.write(`llmos: ${line.split('\n')[0]}\n`);
  process.exit(1);
});
