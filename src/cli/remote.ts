import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { Command } from 'commander';
import { LlmosError, type ErrorCode } from '../core/errors.js';
import { VERSION } from '../loader/resolve.js';

/** Where a running server is: --url / LLMOS_URL (default http://127.0.0.1:7420/mcp) and --token / LLMOS_TOKEN. */
export interface RemoteFlags {
  url?: string;
  token?: string;
}

export const DEFAULT_URL = 'http://127.0.0.1:7420/mcp';

/** Adds --url and --token to a command that talks to a running server. */
export const withRemoteFlags = (cmd: Command): Command =>
  cmd
    .option('--url <url>', `the server's MCP endpoint (default: $LLMOS_URL or ${DEFAULT_URL})`)
    .option('--token <token>', 'bearer token (default: $LLMOS_TOKEN, else $LLMOS_AUTH_TOKEN)');

/** The endpoint URL from the flag or environment; refuses anything but an absolute http(s) URL, naming where it came from. */
export function remoteUrl(flags: RemoteFlags, env: NodeJS.ProcessEnv = process.env): URL {
  const [raw, from] = flags.url ? [flags.url, '--url'] : env.LLMOS_URL ? [env.LLMOS_URL, 'LLMOS_URL'] : [DEFAULT_URL, 'the default'];
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new LlmosError('LLMOS_EINVAL', `${from}=${JSON.stringify(raw).slice(0, 80)} is not a URL; give the server's MCP endpoint, e.g. ${DEFAULT_URL}.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new LlmosError('LLMOS_EINVAL', `${from}=${JSON.stringify(raw).slice(0, 80)} is not an http(s) URL; give the server's MCP endpoint, e.g. ${DEFAULT_URL}.`);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/mcp';
  return url;
}

/** What a failed connect or request means for the user, as a coded error saying what to do. */
export function explainRemoteError(e: unknown, url: URL): LlmosError {
  if (e instanceof LlmosError) return e;
  const status = e instanceof StreamableHTTPError ? e.code : undefined;
  if (status === 401)
    return new LlmosError('LLMOS_EPERM', `${url.origin} refused the bearer token (HTTP 401); pass --token or set LLMOS_TOKEN to a token from the server's LLMOS_AUTH_TOKEN / LLMOS_AUTH_TOKENS.`, { url: url.href, status });
  if (status === 403 || status === 429)
    return new LlmosError('LLMOS_EPERM', `${url.origin} refused the request (HTTP ${status}): ${(e as Error).message.slice(0, 200)}`, { url: url.href, status });
  if (status === 404) return new LlmosError('LLMOS_EUNAVAILABLE', `${url.href} is not an MCP endpoint (HTTP 404); point --url / LLMOS_URL at the server's /mcp path.`, { url: url.href, status });
  const cause = (e as { cause?: { code?: string } })?.cause?.code ?? (e instanceof Error ? e.message : String(e));
  return new LlmosError('LLMOS_EUNAVAILABLE', `cannot reach an LLMOS server at ${url.href} (${String(cause).slice(0, 200)}); start one with \`llmos serve --http\`, or point --url / LLMOS_URL at it.`, { url: url.href });
}

/** The coded error a tool result reports ("LLMOS_E…: message" as its first text line). */
function toolError(result: CallToolResult): LlmosError {
  const meta = result._meta?.['llmos/error'] as { code?: string; message?: string } | undefined;
  const text = result.content.find((c) => c.type === 'text')?.text ?? 'tool call failed';
  const m = /^(LLMOS_E[A-Z]+): (.*)$/m.exec(text);
  const code = (meta?.code ?? m?.[1] ?? 'LLMOS_EINTERNAL') as ErrorCode;
  return new LlmosError(code, meta?.message ?? m?.[2] ?? text.split('\n')[0]);
}

/** A connected MCP client of a running server, calling its syscalls as tools. */
export class Remote {
  private constructor(
    readonly client: Client,
    readonly url: URL,
  ) {}

  /** Connects over Streamable HTTP; failures become coded errors saying what to do. */
  static async connect(flags: RemoteFlags, env: NodeJS.ProcessEnv = process.env): Promise<Remote> {
    const url = remoteUrl(flags, env);
    const token = flags.token ?? env.LLMOS_TOKEN ?? env.LLMOS_AUTH_TOKEN;
    const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
    const client = new Client({ name: 'llmos-cli', version: VERSION });
    try {
      await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers } }));
    } catch (e) {
      await client.close().catch(() => undefined);
      throw explainRemoteError(e, url);
    }
    return new Remote(client, url);
  }

  /** Calls a syscall; returns its structured output, or throws its coded error. A failure result (a process that exited failed) is returned with `failed`. */
  async call<T = Record<string, unknown>>(name: string, args: Record<string, unknown>, onprogress?: (p: Progress) => void): Promise<{ out: T; failed?: LlmosError }> {
    let result: CallToolResult;
    try {
      const opts = onprogress ? { onprogress, resetTimeoutOnProgress: true, timeout: 600_000 } : undefined;
      result = (await this.client.callTool({ name, arguments: args }, undefined, opts)) as CallToolResult;
    } catch (e) {
      throw explainRemoteError(e, this.url);
    }
    if (result.isError && !result.structuredContent) throw toolError(result);
    return { out: result.structuredContent as T, failed: result.isError ? toolError(result) : undefined };
  }

  close = () => this.client.close().catch(() => undefined);
}

/** Connects, runs `fn`, and closes whatever happens. */
export async function withRemote<T>(flags: RemoteFlags, fn: (r: Remote) => Promise<T>): Promise<T> {
  const remote = await Remote.connect(flags);
  try {
    return await fn(remote);
  } finally {
    await remote.close();
  }
}
