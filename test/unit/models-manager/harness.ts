import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boot } from '../../../src/boot.js';
import { createLogger } from '../../../src/kernel/log.js';
import type { Kernel } from '../../../src/kernel/kernel.js';
import { definePlugin, LlmosError, modelFactoryToken, type ModelBackend, type ModelConfig, type ModelFactory, type ModelInfo } from '../../../src/plugin-api/index.js';
import modelCore from '../../../plugins/model-core/index.js';
import fcfs from '../../../plugins/sched-fcfs/index.js';
import { EchoBackend, echoPlugin } from '../../fixtures/echo-backend.js';

/** An echo backend that records close() and can be made unhealthy; the test stand-in for a deployable endpoint. */
export class DeployableEcho extends EchoBackend {
  closed = false;
  constructor(
    id: string,
    over: Partial<ModelInfo>,
    delayMs: number,
    private readonly healthy = true,
  ) {
    super(id, over, delayMs);
  }
  override async health() {
    return this.healthy ? { ok: true } : { ok: false, detail: 'connection refused (test)' };
  }
  override async close() {
    this.closed = true;
  }
}

/** Every backend the "echo" factory built, in order, so tests can inspect versions and close(). */
export const built: DeployableEcho[] = [];

/** A backend plugin offering kind "echo" to model_register, the way model-openai offers kind "openai". */
export const echoFactoryPlugin = definePlugin({
  name: 'test-echo-factory',
  version: '1.0.0',
  provides: [],
  register(scope) {
    const factory: ModelFactory = {
      kind: 'echo',
      create(cfg: ModelConfig) {
        if (cfg.throws) throw new LlmosError('LLMOS_EINVAL', 'bad echo config (test)');
        const over: Partial<ModelInfo> = {
          version: (cfg.version as string | undefined) ?? '1',
          backend: 'test-echo-factory',
          concurrency: (cfg.concurrency as number | undefined) ?? 2,
          limits: cfg.limits as ModelInfo['limits'],
        };
        if (cfg.context_window) over.capabilities = { context_window: cfg.context_window as number, max_output_tokens: 1024, streaming: true, tool_calling: false };
        if (cfg.pricing) over.pricing = cfg.pricing as ModelInfo['pricing'];
        const b = new DeployableEcho(cfg.id, over, (cfg.delay_ms as number | undefined) ?? 1, cfg.healthy !== false);
        built.push(b);
        return b;
      },
    };
    scope.provide(modelFactoryToken('echo'), factory);
  },
});

export interface Harness {
  kernel: Kernel;
  dataDir: string;
  /** Calls a syscall the way the MCP layer does, as `owner`. */
  call<T = Record<string, any>>(name: string, input: unknown, owner?: string): Promise<T>;
  stop(): Promise<void>;
}

/** Boots fcfs + echo (fixture backends and the "first" allocator) + the echo factory + model-core. */
export async function bootManager(opts: { backends?: ModelBackend[]; dataDir?: string } = {}): Promise<Harness> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'llmos-model-core-'));
  const { kernel, stop } = await boot({
    inline: [fcfs, echoPlugin(opts.backends ?? []), echoFactoryPlugin, modelCore],
    dataDir,
    logger: createLogger('silent'),
    admins: ['*'], // callers here act as the operator; permissions.test.ts covers who is not one
  });
  return {
    kernel,
    dataDir,
    call: (name, input, owner = 'tester') => kernel.syscalls.dispatch(name, input, { owner, signal: new AbortController().signal, progress: () => undefined }) as never,
    stop,
  };
}

export const removeDir = (dir: string) => rmSync(dir, { recursive: true, force: true });

/** Resolves once `pred` holds, checking on every process state change (no polling timer). */
export function until(kernel: Kernel, pred: () => boolean, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!pred()) return;
      clearTimeout(t);
      kernel.procs.off('state', check);
      resolve();
    };
    const t = setTimeout(() => {
      kernel.procs.off('state', check);
      reject(new Error('condition not reached in time'));
    }, timeoutMs);
    kernel.procs.on('state', check);
    check();
  });
}
