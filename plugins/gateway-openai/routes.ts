import type { ServerResponse } from 'node:http';
import { LlmosError, type HttpRouter, type KernelApi, type Process, type SyscallContext } from '../../src/plugin-api/index.js';
import { parseChatRequest, taskOf } from './chat-request.js';
import { chatCompletion, chunkEvent, seconds, toolCallsOf, usageOf } from './completion.js';
import { exitError, toOpenAiError } from './openai-errors.js';

export interface GatewayOptions {
  /** Owner of the processes the gateway spawns (budgets, proc_list owner filter). */
  owner: string;
}

function sendJson(res: ServerResponse, status: number, body: unknown, pid?: number): void {
  const text = JSON.stringify(body);
  const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) };
  if (pid !== undefined) headers['x-llmos-pid'] = pid;
  res.writeHead(status, headers).end(text);
}

function sendError(res: ServerResponse, e: unknown): void {
  const { status, body } = toOpenAiError(e);
  if (!res.headersSent) sendJson(res, status, body);
}

const disconnected = (pid: number) => new LlmosError('LLMOS_EKILLED', `the client disconnected; process ${pid} was killed.`);

const noProgress = () => {};

/**
 * Spawns the request's task through the syscall table's proc_spawn
 * {wait:false}, as an MCP client would (spawn hooks, input size limit,
 * permission checks, task validation), and returns its process.
 */
async function spawnTask(kernel: KernelApi, body: ReturnType<typeof parseChatRequest>, owner: string, signal: AbortSignal): Promise<Process> {
  const ctx: SyscallContext = { owner, signal, progress: noProgress };
  const rec = await kernel.syscall('proc_spawn', { ...taskOf(body), wait: false }, ctx);
  return kernel.mustProc(rec.pid as number);
}

/**
 * POST /v1/chat/completions and GET /v1/models. Every completion is one LLMOS
 * process (proc_spawn): model "auto" goes through the allocator and the
 * scheduler, a model id runs on that model. Streamed tokens come from the
 * process's watch events. A client that disconnects before the end kills it.
 */
export function mountOpenAiRoutes(app: HttpRouter, kernel: KernelApi, opts: GatewayOptions = { owner: 'openai-gateway' }): void {
  app.get('/v1/models', (_req, res) => {
    const data = [{ id: 'auto', object: 'model', created: seconds(kernel.started), owned_by: 'llmos' }];
    // A session's private model (its client's own, through MCP sampling) is not the gateway's to offer.
    for (const m of kernel.models()) if (!m.info.owner) data.push({ id: m.info.id, object: 'model', created: seconds(kernel.started), owned_by: m.info.backend });
    sendJson(res, 200, { object: 'list', data });
  });

  app.post('/v1/chat/completions', async (req, res) => {
    let p: Process;
    let stream: boolean;
    let includeUsage: boolean;
    const gone = new AbortController();
    const onEarlyClose = () => gone.abort(new LlmosError('LLMOS_EKILLED', 'the client disconnected before its process was spawned.'));
    res.once('close', onEarlyClose);
    try {
      const body = parseChatRequest(req.body);
      stream = body.stream === true;
      includeUsage = body.stream_options?.include_usage === true;
      p = await spawnTask(kernel, body, req.user ? `user:${req.user}` : opts.owner, gone.signal); // a named user's requests are theirs, budget included
    } catch (e) {
      return sendError(res, e);
    } finally {
      res.off('close', onEarlyClose);
    }
    const pid = p.pid;
    if (gone.signal.aborted) return void (p.state !== 'exited' && kernel.kill(pid, disconnected(pid)));
    const unwatch = stream ? streamTo(kernel, p, res, includeUsage, () => done()) : kernel.watch(pid, (e) => e.type === 'state' && e.proc === p && p.state === 'exited' && done(), { tokens: false });
    const onClose = () => {
      if (p.state !== 'exited') kernel.kill(pid, disconnected(pid));
      unwatch();
    };
    res.once('close', onClose);
    if (!stream && p.state === 'exited') done(); // it ended while proc_spawn answered
    function done() {
      unwatch();
      res.off('close', onClose);
      if (stream) return;
      if (p.exit === 'ok') return sendJson(res, 200, chatCompletion(p), pid);
      const { status, body } = exitError(p);
      sendJson(res, status, body, pid);
    }
  });
}

/**
 * Streams a process as chat.completion.chunk events: the role first, then
 * tokens of the first attempt that streams (a retried attempt's tokens would
 * repeat text already sent), then whatever of the final text was not sent,
 * the finish reason, usage when asked, and [DONE]. A failure after the
 * headers went out is sent as an {error} event, which OpenAI clients raise.
 */
function streamTo(kernel: KernelApi, p: Process, res: ServerResponse, includeUsage: boolean, onEnd: () => void): () => void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-llmos-pid': p.pid });
  res.write(chunkEvent(p, { role: 'assistant', content: '' }));
  let sent = '';
  let streamingAttempt = -1;
  const end = () => {
    if (p.exit === 'ok') {
      const text = p.result?.text ?? '';
      if (text.length > sent.length && text.startsWith(sent)) res.write(chunkEvent(p, { content: text.slice(sent.length) }));
      const calls = toolCallsOf(p);
      if (calls.length) res.write(chunkEvent(p, { tool_calls: calls }));
      res.write(chunkEvent(p, {}, p.result?.finish_reason ?? 'stop'));
      if (includeUsage) res.write(chunkEvent(p, null, null, usageOf(p)));
      res.end('data: [DONE]\n\n');
    } else {
      res.end(`data: ${JSON.stringify(exitError(p).body)}\n\n`);
    }
    onEnd();
  };
  const unwatch = kernel.watch(p.pid, (e) => {
    if (e.proc !== p) return; // a child's event
    if (e.type === 'token') {
      if (streamingAttempt === -1) streamingAttempt = p.attempts.length;
      if (streamingAttempt !== p.attempts.length) return;
      sent += e.text;
      res.write(chunkEvent(p, { content: e.text }));
      return;
    }
    if (p.state === 'exited') end();
  });
  if (p.state === 'exited') queueMicrotask(end); // it ended while proc_spawn answered: after the caller holds unwatch
  return unwatch;
}
