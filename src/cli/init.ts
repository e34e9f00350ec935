import { existsSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command } from 'commander';
import { LlmosError } from '../core/errors.js';
import { PRICE_TABLE_SOURCE } from '../plugin-api/price-table.js';
import { buildInitConfig } from './init/build-config.js';
import { detectProviders, type Detected } from './init/detect.js';

export interface InitOptions {
  config?: string;
  force?: boolean;
  probeTimeoutMs?: number;
}

/** How long the Ollama probe waits by default: a local server answers in milliseconds. */
const PROBE_TIMEOUT_MS = 1_500;

/** One line per provider found, saying where its key comes from; never the key. */
function summary(d: Detected): string[] {
  const lines = d.cloud.map((p) => `  ${p.name}: ${p.models.join(', ')} (key from $${p.key_env})`);
  if (d.ollama) lines.push(`  ollama at ${d.ollama.origin}: ${d.ollama.models.join(', ')}`);
  if (d.ollama_note) lines.push(`  (${d.ollama_note})`);
  if (!d.cloud.length && !d.ollama) lines.push('  no provider found: set OPENAI_API_KEY, ANTHROPIC_API_KEY or OPENROUTER_API_KEY, or start Ollama; the config serves the in-process SmolLM2 only');
  return lines;
}

/**
 * Writes a plugin config registering every provider the environment offers,
 * refusing to replace an existing file unless force. Returns what it found.
 */
export async function runInit(o: InitOptions, env: NodeJS.ProcessEnv = process.env): Promise<{ file: string; detected: Detected; lines: string[] }> {
  const file = resolve(o.config ?? 'llmos.plugins.json');
  if (existsSync(file) && !o.force) throw new LlmosError('LLMOS_EEXIST', `${file} already exists; pass --force to replace it, or --config to write another file.`, { file });
  if (!existsSync(dirname(file))) throw new LlmosError('LLMOS_EINVAL', `folder ${dirname(file)} does not exist; create it or choose another --config path.`);
  const detected = await detectProviders(env, o.probeTimeoutMs ?? PROBE_TIMEOUT_MS);
  writeFileSync(file, JSON.stringify(buildInitConfig(detected, dirname(file)), null, 2) + '\n');
  const lines = [`wrote ${file}`, ...summary(detected), `prices: ${PRICE_TABLE_SOURCE.package}, retrieved ${PRICE_TABLE_SOURCE.retrieved} (a model's "pricing" in the file overrides it)`, `next: llmos plugins --config ${file}`];
  return { file, detected, lines };
}

/** `llmos init`: detects providers and writes a config that registers them. */
export function initCommand(): Command {
  return new Command('init')
    .description('Write a plugin config registering the providers found: OPENAI_API_KEY, ANTHROPIC_API_KEY, OPENROUTER_API_KEY, a local Ollama (OLLAMA_HOST)')
    .option('-c, --config <file>', 'the file to write', 'llmos.plugins.json')
    .option('-f, --force', 'replace the file if it exists')
    .option('--probe-timeout-ms <ms>', 'how long to wait for Ollama to answer', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 60_000) throw new LlmosError('LLMOS_EINVAL', `--probe-timeout-ms "${v}" is not a whole number of milliseconds from 1 to 60000.`);
      return n;
    })
    .action(async (o: { config: string; force?: boolean; probeTimeoutMs?: number }) => {
      const { lines } = await runInit(o);
      process.stdout.write(lines.join('\n') + '\n');
    });
}
