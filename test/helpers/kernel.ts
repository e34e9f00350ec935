import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import pino from 'pino';
import { expect } from 'vitest';
import { boot, type BootOptions } from '../../src/boot.js';
import { createMcpServer } from '../../src/mcp/server.js';
import fcfs from '../../plugins/sched-fcfs/index.js';
import { echoPlugin, EchoBackend } from '../fixtures/echo-backend.js';

export const tempDir = (prefix = 'llmos-test-') => mkdtempSync(join(tmpdir(), prefix));

/** A quiet logger for tests (errors only, to stderr). */
export const quietLogger = () => pino({ level: process.env.LLMOS_LOG_LEVEL ?? 'error' }, pino.destination(2));

/**
 * A started kernel with the FCFS scheduler and echo backends, unless `inline`
 * says otherwise. Every owner is an admin unless `admins` is given (a test of a
 * feature acts as the operator); `admins: undefined` keeps the server's own
 * default (LLMOS_ADMINS, else "stdio" only).
 */
export async function testKernel(opts: BootOptions & { backends?: EchoBackend[] } = {}) {
  const inline = opts.inline ?? [fcfs, echoPlugin(opts.backends)];
  const admins = 'admins' in opts ? opts.admins : ['*'];
  return boot({ dataDir: tempDir(), logger: quietLogger(), ...opts, admins, inline });
}

/** A real MCP client connected to the kernel over InMemoryTransport. */
export async function connect(kernel: Awaited<ReturnType<typeof testKernel>>['kernel'], owner = 'test', capabilities: Record<string, unknown> = {}) {
  const { mcp, close } = createMcpServer(kernel, { owner });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await mcp.connect(b);
  const client = new Client({ name: 'llmos-test', version: '1.0.0' }, { capabilities });
  await client.connect(a);
  return {
    client,
    close: async () => {
      await client.close();
      await close();
    },
  };
}

/** Calls a tool and returns structuredContent, or throws with the tool error text. */
export async function call<T = Record<string, any>>(client: Client, name: string, args: Record<string, unknown> = {}): Promise<T> {
  const r = await client.callTool({ name, arguments: args });
  if (r.isError) throw new Error((r.content as Array<{ text: string }>)[0]?.text ?? 'tool error');
  return r.structuredContent as T;
}

/** Calls a tool that must fail; returns {code, message}. */
export async function callError(client: Client, name: string, args: unknown = {}) {
  const r = await client.callTool({ name, arguments: args as Record<string, unknown> });
  if (!r.isError) throw new Error(`${name} succeeded but was expected to fail: ${JSON.stringify(r.structuredContent)}`);
  const text = (r.content as Array<{ text: string }>)[0].text;
  const code = /^(LLMOS_E[A-Z]+): /.exec(text)?.[1];
  if (!code) throw new Error(`tool error without an LLMOS code: ${text}`);
  expect((r._meta as { 'llmos/error': { code: string } })['llmos/error'].code).toBe(code);
  return { code, message: text.slice(code.length + 2) };
}

/**
 * The record from proc_wait or proc_spawn {wait:true}, however the process
 * exited: an exit other than ok is a tool error whose text starts with the
 * record's error code, with the record attached as structuredContent.
 */
export async function callRecord<T = Record<string, any>>(client: Client, name: string, args: Record<string, unknown> = {}): Promise<T> {
  const r = await client.callTool({ name, arguments: args });
  const text = (r.content as Array<{ text: string }>)[0]?.text ?? '';
  const rec = r.structuredContent as Record<string, any> | undefined;
  if (!rec) throw new Error(text || 'tool error without a record');
  expect(!!r.isError).toBe(rec.exit !== null && rec.exit !== 'ok');
  if (r.isError) expect(text.startsWith(`${rec.error.code}: `)).toBe(true);
  return rec as T;
}
