import type { ServerResponse } from 'node:http';
import { LlmosError } from '../../core/errors.js';
import type { KernelApi } from '../../core/kernel-api.js';
import type { ProcView as Process } from '../../core/process.js';
import { BatchedWrites, DEFAULT_STREAM_FLUSH_MS } from './batched-writes.js';
import { exitErrorOf, sendJson } from './http-out.js';
import type { GatewayProtocol, Plan } from './plan.js';

/** What was streamed of one choice. */
interface ChoiceState {
  opened: boolean;
  ended: boolean;
  sent: string;
  /** The attempt whose tokens are streamed: a retried attempt's tokens would repeat text already sent. */
  attempt: number;
}

/**
 * Streams sibling processes as SSE events in the plan's shape. The headers
 * go out when the first process runs, so the first event names the model
 * that runs it (not "auto"), and a failure before any process ran (no
 * model, budget, context window) is still an HTTP error with its status.
 * Each choice opens when its process runs, then streams the tokens of the
 * first attempt that streams, then what of the final text was not sent,
 * the finish reason; after the last, usage when asked and the protocol's
 * end. A failure after the headers went out is the protocol's error event;
 * it kills the siblings. Token events go out in batches of at most one
 * write per `flushMs` (see BatchedWrites), every other event at once; the
 * last choice's closing, usage and the end share the response's last write.
 * Returns what stops it (unwatch, and drop what waits).
 */
export function streamTo(kernel: KernelApi, ps: Process[], res: ServerResponse, plan: Plan, protocol: GatewayProtocol, onEnd: () => void, flushMs = DEFAULT_STREAM_FLUSH_MS): () => void {
  const { shape } = plan;
  const choices: ChoiceState[] = ps.map(() => ({ opened: false, ended: false, sent: '', attempt: -1 }));
  const out = new BatchedWrites(res, flushMs);
  let over = false;
  const open = (i: number) => {
    if (!res.headersSent) res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-llmos-pid': ps[0].pid });
    if (!choices[i].opened) (choices[i].opened = true), out.now(shape.opening(ps, i));
  };
  const fail = (p: Process) => {
    over = true;
    for (const q of ps) if (q.state !== 'exited') kernel.kill(q.pid, new LlmosError('LLMOS_EKILLED', `sibling process ${p.pid} failed; process ${q.pid} was killed.`));
    const err = protocol.error(exitErrorOf(p));
    if (!res.headersSent) sendJson(res, err.status, err.body, { 'x-llmos-pid': ps[0].pid, ...err.headers });
    else {
      out.now(); // the tokens that were waiting go before the error
      res.end(protocol.streamError(err));
    }
    onEnd();
  };
  const exited = (i: number) => {
    const p = ps[i];
    if (p.exit !== 'ok') return fail(p);
    open(i);
    const c = choices[i];
    c.ended = true;
    const text = p.result?.text ?? '';
    const closing = shape.closing(ps, i, text.length > c.sent.length && text.startsWith(c.sent) ? text.slice(c.sent.length) : '');
    if (!choices.every((x) => x.ended)) return out.now(closing);
    over = true;
    res.end(out.take() + closing + (plan.includeUsage ? shape.usage(ps) : '') + protocol.streamEnd);
    onEnd();
  };
  const onToken = (i: number, text: string) => {
    const p = ps[i];
    const c = choices[i];
    if (c.attempt === -1) c.attempt = p.attempts.length;
    if (c.attempt !== p.attempts.length) return;
    open(i);
    c.sent += text;
    out.later(shape.text(ps, i, text));
  };
  const step = (i: number) => {
    if (over || choices[i].ended) return;
    if (ps[i].state === 'exited') exited(i);
    else if (ps[i].state === 'running') open(i);
  };
  const unwatch = ps.map((p, i) =>
    kernel.watch(p.pid, (e) => {
      if (e.proc !== p || over) return; // a child's event
      if (e.type === 'token') onToken(i, e.text);
      else step(i);
    }),
  );
  queueMicrotask(() => ps.forEach((_, i) => step(i))); // some ran or ended while proc_spawn answered: after the caller holds unwatch
  return () => (unwatch.forEach((u) => u()), out.cancel());
}
