import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import OpenAI from 'openai';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mountAnthropicRoutes } from '../../../plugins/gateway-anthropic/index.js';
import { serveHttp } from '../../../src/mcp/http.js';
import { kernelApi } from '../../../src/kernel/api.js';
import { call, connect } from '../../helpers/kernel.js';
import { bootPlugins, type Booted } from '../../unit/models/harness.js';

/**
 * Claude Code itself (@anthropic-ai/claude-code, pinned in devDependencies:
 * the last release whose cli.js ships in the tarball) in print mode against
 * LLMOS's /v1/messages, with the real llama.cpp server behind model-openai.
 * Its first request (system prompt and every tool definition) is far beyond
 * SmolLM2's 4,096-token window: LLMOS must refuse it the way Anthropic does,
 * so Claude Code shows the reason and exits, with no 5xx, no hang and
 * nothing Claude Code retries.
 */
const TOKEN = 'claude-code-token';
const USER = 'coder';
const CLI = join(dirname(createRequire(import.meta.url).resolve('@anthropic-ai/claude-code/package.json')), 'cli.js');
/** One claude -p run; the refusal takes 4-20 s (Claude Code's start-up and one token count on a loaded machine). */
const RUN_MS = 90_000;

/** Every HTTP exchange the server answered: path, status, body. */
interface Exchange {
  path: string;
  status: number;
  body: string;
}

/** Records each response the server sends (status and bytes) without changing it. */
function recordExchanges(server: import('node:http').Server): Exchange[] {
  const seen: Exchange[] = [];
  server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    const keep = (chunk: unknown) => typeof chunk === 'string' || chunk instanceof Uint8Array ? chunks.push(Buffer.from(chunk)) : 0;
    const write = res.write.bind(res) as (...a: unknown[]) => boolean;
    const end = res.end.bind(res) as (...a: unknown[]) => typeof res;
    res.write = ((chunk: unknown, ...rest: unknown[]) => (keep(chunk), write(chunk, ...rest))) as typeof res.write;
    res.end = ((chunk: unknown, ...rest: unknown[]) => (keep(chunk), end(chunk, ...rest))) as typeof res.end;
    res.on('finish', () => seen.push({ path: req.url ?? '', status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
  });
  return seen;
}

/** Warnings and errors the kernel logs, as parsed records. */
function capturedLogger() {
  const records: Array<Record<string, unknown>> = [];
  const sink = new Writable({ write: (c, _e, done) => (records.push(JSON.parse(String(c)) as Record<string, unknown>), done()) });
  return { logger: pino({ level: 'warn' }, sink), records };
}

/** Runs `claude -p ...args` against `baseURL` with a fresh HOME under `root` and every non-essential call off. */
function claudePrint(baseURL: string, args: string[], root: string): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const home = mkdtempSync(join(root, 'home-'));
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    ANTHROPIC_BASE_URL: baseURL,
    ANTHROPIC_API_KEY: TOKEN,
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  };
  const t0 = Date.now();
  const child = spawn(process.execPath, [CLI, '-p', ...args], { env, cwd: home, stdio: ['ignore', 'pipe', 'pipe'], timeout: RUN_MS, killSignal: 'SIGKILL' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - t0 })));
}

describe('Claude Code (claude -p) against LLMOS /v1/messages', () => {
  let os: Booted;
  let http: Awaited<ReturnType<typeof serveHttp>>;
  let exchanges: Exchange[];
  let log: ReturnType<typeof capturedLogger>;
  const home = mkdtempSync(join(tmpdir(), 'llmos-claude-home-'));

  beforeAll(async () => {
    const baseURL = inject('llamaBaseURL');
    const upstream = (await new OpenAI({ baseURL, apiKey: 'none' }).models.list()).data[0].id;
    log = capturedLogger();
    const model = { id: 'oai/smollm2', model: upstream, context_window: 4096, max_output_tokens: 256, concurrency: 1, tool_calling: true };
    const openai = { base_url: baseURL, api_key_env: 'LLMOS_TEST_NO_KEY', models: [model], probe_on_start: false };
    os = await bootPlugins({ 'model-openai': openai }, { callTimeoutMs: RUN_MS }, undefined, log.logger);
    const api = kernelApi(os.kernel);
    http = await serveHttp(os.kernel, { host: '127.0.0.1', port: 0, users: { [USER]: TOKEN }, mount: (app) => mountAnthropicRoutes(app, api, { owner: 'anthropic-gateway', models: {}, default_model: 'oai/smollm2' }) });
    exchanges = recordExchanges(http.server);
  });
  afterAll(async () => {
    await http?.close();
    await os?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  /** The user's processes, as proc_list shows them to that user over MCP. */
  async function procsOf(owner: string): Promise<Array<Record<string, any>>> {
    const mcp = await connect(os.kernel, owner);
    try {
      return (await call(mcp.client, 'proc_list', {})).procs;
    } finally {
      await mcp.close();
    }
  }

  it('a request beyond the window: Claude Code shows "Prompt is too long" and exits 1; one process of the user, no 5xx, nothing logged', async () => {
    const from = exchanges.length;
    const r = await claudePrint(http.url, ['Say hi'], home);
    expect(r.stdout).toMatch(/Prompt is too long/);
    expect(r.code).toBe(1);
    const messages = exchanges.slice(from).filter((e) => e.path.startsWith('/v1/messages'));
    expect(exchanges.slice(from).filter((e) => e.status >= 500)).toEqual([]);
    expect(messages.map((e) => e.status)).toEqual([400]); // Claude Code does not retry it
    expect(JSON.parse(messages[0].body)).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', code: 'LLMOS_ECONTEXT', message: expect.stringMatching(/^prompt is too long: \d+ tokens > 4096 maximum/) } });
    const [proc] = (await procsOf(`user:${USER}`)).slice(-1);
    expect(proc).toMatchObject({ owner: `user:${USER}`, state: 'exited', exit: 'failed', error: { code: 'LLMOS_ECONTEXT' }, task: { model: 'oai/smollm2', metadata: { via: 'anthropic-gateway', requested_model: expect.stringMatching(/^claude-/) } } });
    expect(proc.error.data.prompt_tokens).toBeGreaterThan(4096); // the whole request was translated and counted, every tool included
    expect(log.records.filter((l) => Number(l.level) >= 50)).toEqual([]);
  }, RUN_MS + 10_000);
});
