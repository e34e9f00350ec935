/**
 * A scripted OpenAI-compatible HTTP server for injecting upstream faults.
 * Each POST /v1/chat/completions takes the next fault from the script of the
 * requested model (falling back to the '*' script); an empty script answers
 * 'ok'. GET /v1/models lists the scripted models. Every request is recorded,
 * including whether the client hung up before the answer ended.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  | { kind: 'ok'; text?: string }
  /** 429 with a Retry-After header in seconds. */
  | { kind: '429'; retryAfterS: number }
  | { kind: '500' }
  | { kind: '400' }
  /** Accepts the request and never answers. */
  | { kind: 'hang' }
  /** A 200 event stream whose first event is not JSON. */
  | { kind: 'malformed' }
  /** Destroys the socket before any response byte. */
  | { kind: 'reset' }
  /** A 200 answer whose text is `bytes` long: as one JSON body, or streamed a 5-byte word an event. */
  | { kind: 'flood'; bytes: number };

export interface RecordedRequest {
  model: string;
  fault: Fault['kind'];
  at: number;
  body: Record<string, unknown>;
  /** The client closed the connection before the response ended. */
  clientAborted: boolean;
}

export interface FaultServer {
  /** http://127.0.0.1:PORT/v1 */
  baseURL: string;
  requests: RecordedRequest[];
  /** Appends faults to a model's script ('*' = any model without its own). */
  script(model: string, ...faults: Fault[]): void;
  close(): Promise<void>;
}

const sse = (res: http.ServerResponse, data: unknown) => res.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);

/** A well-formed streamed chat completion: one chunk per word, then finish_reason, usage and [DONE]. */
function streamOk(res: http.ServerResponse, model: string, text: string, stream: boolean): void {
  const words = text.split(/(?<= )/);
  const base = { id: 'chatcmpl-fault', object: 'chat.completion.chunk', created: 0, model };
  const usage = { prompt_tokens: 7, completion_tokens: words.length, total_tokens: 7 + words.length };
  if (!stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }], usage }));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const w of words) sse(res, { ...base, choices: [{ index: 0, delta: { content: w }, finish_reason: null }] });
  sse(res, { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
  sse(res, { ...base, choices: [], usage });
  sse(res, '[DONE]');
  res.end();
}

export async function startFaultServer(): Promise<FaultServer> {
  const scripts = new Map<string, Fault[]>();
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();

  const server = http.createServer(async (req, res) => {
    if (req.method === 'GET' && req.url === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [...scripts.keys()].filter((k) => k !== '*').map((id) => ({ id, object: 'model', created: 0, owned_by: 'fault-server' })) }));
      return;
    }
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404).end();
      return;
    }
    let raw = '';
    for await (const c of req) raw += c;
    const body = JSON.parse(raw) as Record<string, unknown>;
    const model = String(body.model);
    const list = scripts.get(model)?.length ? scripts.get(model)! : (scripts.get('*') ?? []);
    const fault: Fault = list.shift() ?? { kind: 'ok' };
    const rec: RecordedRequest = { model, fault: fault.kind, at: Date.now(), body, clientAborted: false };
    requests.push(rec);
    res.once('close', () => (rec.clientAborted = !res.writableFinished));
    switch (fault.kind) {
      case 'ok':
        return streamOk(res, model, fault.text ?? 'bonjour from the fault server', body.stream === true);
      case '429':
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(fault.retryAfterS) });
        return void res.end(JSON.stringify({ error: { message: 'rate limited (scripted)', type: 'rate_limit_error' } }));
      case '500':
        res.writeHead(500, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ error: { message: 'internal error (scripted)', type: 'server_error' } }));
      case '400':
        res.writeHead(400, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ error: { message: 'bad request (scripted)', type: 'invalid_request_error' } }));
      case 'hang':
        return; // the response stays open until the client gives up
      case 'malformed':
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        sse(res, '{"choices": [ {"delta": oops');
        return void res.end();
      case 'reset':
        return void req.socket.destroy();
      case 'flood':
        return streamOk(res, model, 'word '.repeat(Math.ceil(fault.bytes / 5)), body.stream === true);
    }
  });
  server.on('connection', (s) => (sockets.add(s), s.once('close', () => sockets.delete(s))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    script(model, ...faults) {
      scripts.set(model, [...(scripts.get(model) ?? []), ...faults]);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
