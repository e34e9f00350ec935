import { execFile } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { freePort, requireBuild, ROOT } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/kernel.js';

const run = promisify(execFile);
const plugin = (name: string, options?: Record<string, unknown>, enabled = true) => ({ name, module: join(ROOT, 'plugins', name), enabled, ...(options ? { options } : {}) });
const configOf = (body: Record<string, unknown>) => {
  const f = join(tempDir(), 'llmos.plugins.json');
  writeFileSync(f, JSON.stringify(body));
  return f;
};

/** `llmos doctor --config F` in an empty data dir; resolves its lines, exit code and what the data dir holds afterwards. */
async function doctor(config: string, env: Record<string, string> = {}) {
  const dataDir = tempDir();
  let out = '';
  let code = 0;
  try {
    out = (await run(process.execPath, [requireBuild(), 'doctor', '--config', config, '--timeout', '3000'], { env: { ...process.env, LLMOS_DATA_DIR: dataDir, ...env }, timeout: 60_000 })).stdout;
  } catch (e) {
    out = (e as { stdout: string }).stdout;
    code = (e as { code: number }).code;
  }
  return { lines: out.trim().split('\n'), code, left: readdirSync(dataDir) };
}

describe('llmos doctor', () => {
  it('passes a config that can run tasks, probing each real endpoint (llama.cpp server, Redis, Neo4j), and writes nothing', async () => {
    const config = configOf({
      plugins: [
        plugin('journal-sqlite'),
        plugin('sched-fcfs'),
        plugin('alloc-rules'),
        plugin('kg-embedded'),
        plugin('model-openai', { base_url: inject('llamaBaseURL'), api_key_env: 'LLMOS_TEST_NO_KEY', models: [{ id: 'smol' }] }),
        plugin('queue-redis', { url: inject('redisUrl') }),
        plugin('kg-neo4j', { uri: inject('neo4jUri') }),
      ],
    });
    const { lines, code, left } = await doctor(config);
    expect(code, lines.join('\n')).toBe(0);
    expect(lines.every((l) => /^(ok|warn) {2}/.test(l)), lines.join('\n')).toBe(true);
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/^ok {4}models: 1 configured$/), 'ok    scheduler: fcfs', 'ok    allocator: rules']));
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/^ok {4}model-openai: http:\/\/127\.0\.0\.1:\d+\/v1 answers \(HTTP 200\)$/), expect.stringMatching(/^ok {4}queue-redis: redis:.* answers \(\+PONG\)$/), expect.stringMatching(/^ok {4}kg-neo4j: bolt:.* answers \(Bolt handshake answered\)$/)]));
    expect(left).toEqual([]); // no journal, knowledge store or model file in the data dir
  });

  it('warns when the config cannot run a task: no model (the model-openai example without models), no scheduler, no allocator', async () => {
    const { lines, code, left } = await doctor(configOf({ plugins: [plugin('journal-sqlite'), plugin('model-openai', { base_url: 'https://api.openai.com/v1' })] }));
    expect(code).toBe(0);
    expect(lines).toEqual(expect.arrayContaining([
      expect.stringMatching(/^warn {2}model-openai: options\.models is empty, so it serves no model/),
      expect.stringMatching(/^warn {2}models: no model is configured, so no task can run/),
      expect.stringMatching(/^warn {2}scheduler: none: processes are accepted but never run; enable a sched-\* plugin/),
      expect.stringMatching(/^warn {2}allocator: none/),
    ]));
    expect(left).toEqual([]);
  });

  it('fails, exit 1, when an endpoint does not answer', async () => {
    const dead = `http://127.0.0.1:${await freePort()}/v1`;
    const { lines, code } = await doctor(configOf({ plugins: [plugin('sched-fcfs'), plugin('alloc-rules'), plugin('model-openai', { base_url: dead, models: [{ id: 'm' }] })] }));
    expect(code).toBe(1);
    expect(lines).toContain(`fail  model-openai: ${dead} does not answer (ECONNREFUSED); start it or fix the URL in the plugin's options.`);
  });

  it('fails on an unknown option, a bad config and bad environment values, naming each', async () => {
    const typo = await doctor(configOf({ plugins: [plugin('sched-sjf', { max_wait_mean: 26 })] }));
    expect(typo.code).toBe(1);
    expect(typo.lines).toContainEqual(expect.stringMatching(/^fail {2}plugins: LLMOS_EPLUGIN: plugin "sched-sjf": unknown option "max_wait_mean"; it takes .*max_wait_means/));
    const broken = await doctor(configOf({ plugins: [{ name: 'x' }] }));
    expect(broken.lines).toContainEqual(expect.stringMatching(/^fail {2}config: LLMOS_EPLUGIN: .*plugin "x"/));
    const env = await doctor(configOf({ plugins: [plugin('sched-fcfs')] }), { LLMOS_MAX_QUEUE: 'lots', LLMOS_URL: 'localhost' });
    expect(env.code).toBe(1);
    expect(env.lines[0]).toMatch(/^fail {2}environment: LLMOS_EINVAL: LLMOS_MAX_QUEUE="lots" is not an integer/);
    const url = await doctor(configOf({ plugins: [plugin('sched-fcfs')] }), { LLMOS_URL: 'localhost:7420' });
    expect(url.lines[0]).toMatch(/^fail {2}environment: LLMOS_EINVAL: LLMOS_URL="localhost:7420" is not an http\(s\) URL/);
  });
});
