import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { request } from 'node:http';
import { connect as tcp, type Socket } from 'node:net';

/** What a hostile (or honest) client does over real HTTP, without the SDK smoothing anything over. */

export const INIT = (clientInfo: unknown = { name: 'raw', version: '1' }, id = 1) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo },
});

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A real SDK client over Streamable HTTP as the holder of `token`; its session id is `transport.sessionId`. */
export async function openAs(base: string, token: string) {
  const transport = new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: bearer(token) } });
  const client = new Client({ name: 'u', version: '1' });
  await client.connect(transport);
  return { client, transport, id: transport.sessionId! };
}

/** A raw POST /mcp (or other method), answered as {status, body text, headers}. */
export async function rawMcp(base: string, o: { token?: string; session?: string; method?: string; body?: unknown; headers?: Record<string, string> }) {
  const r = await fetch(`${base}/mcp`, {
    method: o.method ?? 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(o.token ? bearer(o.token) : {}),
      ...(o.session ? { 'mcp-session-id': o.session } : {}),
      ...o.headers,
    },
    body: o.body === undefined ? undefined : JSON.stringify(o.body),
  });
  return { status: r.status, body: await r.text(), headers: r.headers };
}

/** A request with headers fetch will not send as given (Host); resolves with status and body. */
export function rawRequest(url: string, headers: Record<string, string>, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A legacy SSE stream opened by hand: its session id, and the JSON-RPC messages it delivers. */
export async function openSseRaw(base: string, token: string) {
  const ctrl = new AbortController();
  const r = await fetch(`${base}/sse`, { headers: { ...bearer(token), accept: 'text/event-stream' }, signal: ctrl.signal });
  const reader = r.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  const events = async function* () {
    for (;;) {
      let end: number;
      while ((end = buf.indexOf('\n\n')) < 0) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += value;
      }
      const block = buf.slice(0, end);
      buf = buf.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? '';
      yield { event, data };
    }
  };
  const it = events();
  const first = (await it.next()).value!;
  const sessionId = new URL(first.data, base).searchParams.get('sessionId')!;
  return {
    sessionId,
    /** The next JSON-RPC message on the stream. */
    next: async () => JSON.parse((await it.next()).value!.data) as { id?: number; result?: any; error?: any },
    close: () => ctrl.abort(),
  };
}

export const postMessage = async (base: string, token: string, sessionId: string, body: unknown) => {
  const r = await fetch(`${base}/messages?sessionId=${sessionId}`, { method: 'POST', headers: { ...bearer(token), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, body: await r.text() };
};

/** An open TCP connection to the server that sends `head` and then nothing more, as a slow client does. */
export function slowClient(port: number, head: string): { socket: Socket; received: () => string; closed: Promise<void> } {
  const socket = tcp(port, '127.0.0.1');
  let got = '';
  socket.on('data', (d) => (got += d));
  socket.on('error', () => undefined);
  socket.write(head);
  return { socket, received: () => got, closed: new Promise((r) => socket.once('close', () => r())) };
}
