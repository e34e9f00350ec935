import { SpanKind, SpanStatusCode, trace, ROOT_CONTEXT, type Span, type Tracer } from '@opentelemetry/api';
import type { KernelApi, ProcView } from '../../src/plugin-api/index.js';
import { ERROR_TYPE, GEN_AI, processExitAttributes, processStartAttributes } from './attributes.js';

/** What is kept per live process: its span, and when it last left READY. */
interface Live {
  span: Span;
  leftReady?: number;
}

/**
 * One span per process, from spawn to exit, parented to its parent
 * process's span (so a collaboration is one trace, the group at the root).
 * Under it: a "queue" span per stay in READY, an "allocate" span from
 * leaving READY to running (with the allocator's choice and reason), one
 * GenAI client span per model attempt ("chat <model>"), and an "exit" event.
 * Live entries are removed at exit, so memory follows the live processes.
 */
export class ProcTracer {
  private readonly live = new Map<number, Live>();

  constructor(
    private readonly kernel: KernelApi,
    private readonly tracer: Tracer,
  ) {}

  follow(): () => void {
    const offs = [this.kernel.onProc('state', (p, from) => this.onState(p, from)), this.kernel.onProc('exit', (p) => this.onExit(p))];
    return () => offs.forEach((off) => off());
  }

  private onState(p: ProcView, from: string): void {
    if (from === 'new' || !this.live.has(p.pid)) this.begin(p);
    const l = this.live.get(p.pid)!;
    const now = Date.now();
    if (from === 'ready' && p.state !== 'exited') {
      this.child(l, 'queue', p.readyAt, now, { 'llmos.class': p.priority });
      l.leftReady = now;
    } else if (p.state === 'running' && l.leftReady !== undefined) {
      const a = p.allocation;
      this.child(l, 'allocate', l.leftReady, now, a ? { 'llmos.allocation.model': a.model, 'llmos.allocation.reason': a.reason.slice(0, 500), 'llmos.allocator': this.kernel.allocator().name } : {});
      l.leftReady = undefined;
    }
  }

  private begin(p: ProcView): void {
    const parent = this.live.get(p.ppid)?.span;
    const ctx = parent ? trace.setSpan(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
    const name = p.kind === 'group' ? 'llmos.group' : 'llmos.process';
    const span = this.tracer.startSpan(name, { kind: SpanKind.INTERNAL, startTime: p.created, attributes: processStartAttributes(p) }, ctx);
    this.live.set(p.pid, { span });
  }

  private onExit(p: ProcView): void {
    if (!this.live.has(p.pid)) this.begin(p); // spawned before tracing started
    const l = this.live.get(p.pid)!;
    this.live.delete(p.pid);
    for (const a of p.attempts) {
      const end = a.finished ?? p.finished ?? Date.now();
      const s = this.tracer.startSpan(`chat ${a.model}`, { kind: SpanKind.CLIENT, startTime: a.started, attributes: { [GEN_AI.operation]: 'chat', [GEN_AI.requestModel]: a.model, 'llmos.model.version': a.version } }, trace.setSpan(ROOT_CONTEXT, l.span));
      if (a.first_token !== undefined) s.setAttribute(GEN_AI.timeToFirstChunk, (a.first_token - a.started) / 1000);
      if (a.error) s.setAttribute(ERROR_TYPE, a.error.code).setStatus({ code: SpanStatusCode.ERROR, message: a.error.message.slice(0, 500) });
      s.end(end);
    }
    const finished = p.finished ?? Date.now();
    l.span.setAttributes(processExitAttributes(p)).addEvent('exit', { 'llmos.exit': p.exit ?? 'unknown' }, finished);
    if (p.error) l.span.setStatus({ code: SpanStatusCode.ERROR, message: p.error.message.slice(0, 500) });
    l.span.end(finished);
  }

  private child(l: Live, name: string, start: number, end: number, attributes: Record<string, string | number>): void {
    this.tracer.startSpan(name, { startTime: start, attributes }, trace.setSpan(ROOT_CONTEXT, l.span)).end(end);
  }

  /** Ends the spans of processes still live (shutdown), so they are exported. */
  endAll(): void {
    for (const l of this.live.values()) l.span.end();
    this.live.clear();
  }
}
