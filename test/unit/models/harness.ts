import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { boot } from '../../../src/boot.js';
import type { CooldownPolicy } from '../../../src/kernel/models.js';
import type { Resilience } from '../../../src/kernel/exec.js';
import type { Kernel } from '../../../src/kernel/kernel.js';
import { createLogger, type Logger } from '../../../src/kernel/log.js';
import type { Process, TaskInput } from '../../../src/plugin-api/index.js';
import { echoPlugin } from '../../fixtures/echo-backend.js';

export const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

export interface Booted {
  kernel: Kernel;
  stop(): Promise<void>;
}

/**
 * A real kernel booted from a real plugin config file: sched-fcfs, the given
 * plugins of this repo (name → options), and the test 'first' allocator
 * (candidates in registration order). Resilience is set on the kernel's own
 * executor, cooldown on its model table; the kernel logs to `logger` (silent by default).
 */
export async function bootPlugins(plugins: Record<string, Record<string, unknown>>, resilience: Partial<Resilience> = {}, cooldown?: CooldownPolicy, logger: Logger = createLogger('silent')): Promise<Booted> {
  const dir = mkdtempSync(join(tmpdir(), 'llmos-models-'));
  const config = join(dir, 'llmos.plugins.json');
  const entries = Object.entries({ 'sched-fcfs': {}, ...plugins }).map(([name, options]) => ({ name, module: join(ROOT, 'plugins', name), options }));
  writeFileSync(config, JSON.stringify({ plugins: entries }));
  try {
    const { kernel, stop } = await boot({ config, inline: [echoPlugin([])], dataDir: join(dir, 'data'), logger });
    kernel.exec.resilience = { callTimeoutMs: 5_000, retries: 2, backoffBaseMs: 1, backoffMaxMs: 5, fallback: true, ...resilience };
    if (cooldown) kernel.models.cooldown = cooldown;
    return {
      kernel,
      async stop() {
        await stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** model-openai pointed at `baseURL`, one entry per model id. */
export const bootOpenAI = (baseURL: string, models: string[], resilience: Partial<Resilience> = {}, cooldown?: CooldownPolicy): Promise<Booted> =>
  bootPlugins(
    { 'model-openai': { base_url: baseURL, api_key_env: 'LLMOS_TEST_NO_KEY', models: models.map((id) => ({ id, context_window: 4096, max_output_tokens: 256, concurrency: 2 })) } },
    resilience,
    cooldown,
  );

/** Spawns a task and waits for its exit. */
export async function run(kernel: Kernel, task: TaskInput, waitMs = 15_000): Promise<Process> {
  const p = kernel.spawn({ max_tokens: 16, ...task } as never, 'tester');
  return kernel.procs.wait(p.pid, waitMs);
}

/** Resolves once the process has streamed at least `n` pieces (or exited). */
export function streamed(kernel: Kernel, pid: number, n: number): Promise<void> {
  return new Promise((done) => {
    const check = (p: Process) => {
      if (p.pid === pid && (p.streamed >= n || p.state === 'exited')) {
        kernel.procs.off('token', check);
        kernel.procs.off('state', check);
        done();
      }
    };
    kernel.procs.on('token', check);
    kernel.procs.on('state', check);
  });
}
