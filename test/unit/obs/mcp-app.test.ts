import { App } from '@modelcontextprotocol/ext-apps';
import { AppBridge } from '@modelcontextprotocol/ext-apps/app-bridge';
import { getToolUiResourceUri, RESOURCE_MIME_TYPE } from '@modelcontextprotocol/ext-apps/app-bridge';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fcfs from '../../../plugins/sched-fcfs/index.js';
import obsConsole from '../../../plugins/obs-console/index.js';
import { kernelApi } from '../../../src/kernel/api.js';
import { EchoBackend, echoPlugin } from '../../fixtures/echo-backend.js';
import { connect, testKernel } from '../../helpers/kernel.js';

type Top = { owner: string; admin: boolean; procs: Array<{ pid: number; owner: string; state: string }> };

describe('proc_top as an MCP App (ext-apps host bridge) and as text', () => {
  let booted: Awaited<ReturnType<typeof testKernel>>;
  let alicePid: number;

  beforeAll(async () => {
    booted = await testKernel({ inline: [fcfs, echoPlugin([new EchoBackend('echo', {}, 1)]), obsConsole], admins: ['root'] });
    const api = kernelApi(booted.kernel);
    alicePid = api.spawn({ prompt: 'alice asks' }, 'alice').pid;
    await api.wait(alicePid, 10_000);
    await api.wait(api.spawn({ prompt: 'bob asks' }, 'bob').pid, 10_000);
  });
  afterAll(() => booted.stop());

  it('declares its UI resource, which serves one self-contained mcp-app page', async () => {
    const { client, close } = await connect(booted.kernel, 'alice');
    const tool = (await client.listTools()).tools.find((t) => t.name === 'proc_top')!;
    const uri = getToolUiResourceUri(tool);
    expect(uri).toBe('ui://llmos/top');
    const page = (await client.readResource({ uri: uri! })).contents[0] as { mimeType: string; text: string };
    expect(page.mimeType).toBe(RESOURCE_MIME_TYPE);
    expect(page.text).toMatch(/^<!doctype html>/);
    expect(page.text).toContain('globalThis.McpExtApps=');
    expect(page.text).not.toMatch(/<script[^>]+src=/); // nothing to fetch: hosts sandbox the page
    await close();
  });

  it('gives a plain client the same rows as a top-like text table', async () => {
    const { client, close } = await connect(booted.kernel, 'alice');
    const r = await client.callTool({ name: 'proc_top', arguments: {} });
    const text = (r.content as Array<{ text: string }>)[0].text;
    expect(text.split('\n')[1]).toMatch(/^PID\s+STATE\s+OWNER\s+MODEL/);
    expect(text).toContain('exited/ok');
    expect(text).toContain('alice asks');
    expect(text).not.toContain('bob asks'); // alice sees only her own
    expect((r.structuredContent as Top).procs.map((p) => p.pid)).toEqual([alicePid]);
    await close();
  });

  it('feeds an App connected through the host bridge: tool results in, server tool calls out', async () => {
    const { client, close } = await connect(booted.kernel, 'root');
    const bridge = new AppBridge(client, { name: 'test-host', version: '1.0.0' }, { serverTools: {} });
    const app = new App({ name: 'llmos-top', version: '1.0.0' }, {}, { autoResize: false }); // no DOM to measure in Node
    const [hostSide, appSide] = InMemoryTransport.createLinkedPair();
    const received = new Promise<Top>((resolve) => (app.ontoolresult = (r) => resolve(r.structuredContent as Top)));
    const initialized = new Promise<void>((resolve) => (bridge.oninitialized = () => resolve()));
    await bridge.connect(hostSide);
    await app.connect(appSide);
    await initialized;
    const first = await client.callTool({ name: 'proc_top', arguments: {} });
    await bridge.sendToolResult(first as never);
    const shown = await received;
    expect(shown.admin).toBe(true);
    expect(new Set(shown.procs.map((p) => p.owner))).toEqual(new Set(['alice', 'bob'])); // root is an admin
    const again = await app.callServerTool({ name: 'proc_top', arguments: { limit: 1 } }); // the page's refresh, through the host
    expect((again.structuredContent as Top).procs).toHaveLength(1);
    await hostSide.close();
    await close();
  });
});
