import { connect } from 'node:net';

/** What a probe found: the endpoint answered (any HTTP status counts), or why not. */
export interface ProbeResult {
  ok: boolean;
  detail: string;
}

const why = (e: unknown) => {
  const c = e as { code?: string; cause?: { code?: string }; name?: string; message?: string };
  return c.cause?.code ?? c.code ?? (c.name === 'TimeoutError' ? 'no answer' : (c.message ?? String(e)));
};

/** GETs `url` within `timeoutMs`; any HTTP answer means the server is there (401 names a key problem). */
export async function probeHttp(url: string, timeoutMs: number, headers: Record<string, string> = {}): Promise<ProbeResult> {
  try {
    const r = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await r.body?.cancel();
    return { ok: true, detail: `HTTP ${r.status}` };
  } catch (e) {
    const w = why(e);
    return { ok: false, detail: w === 'no answer' ? `no answer within ${timeoutMs} ms` : w };
  }
}

/**
 * Opens a TCP connection to host:port, writes `hello` and waits for the
 * first bytes back (or just the connection when `hello` is empty); resolves
 * what came back, as text.
 */
export function probeTcp(host: string, port: number, timeoutMs: number, hello: Buffer = Buffer.alloc(0)): Promise<ProbeResult> {
  return new Promise((done) => {
    const socket = connect({ host, port });
    const finish = (r: ProbeResult) => (socket.destroy(), clearTimeout(timer), done(r));
    const timer = setTimeout(() => finish({ ok: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
    socket.once('error', (e) => finish({ ok: false, detail: why(e) }));
    socket.once('connect', () => (hello.length ? socket.write(hello) : finish({ ok: true, detail: 'port open' })));
    socket.once('end', () => finish({ ok: false, detail: 'closed without answering' }));
    socket.once('data', (d) => finish({ ok: true, detail: d.toString('latin1').replace(/[^\x20-\x7e]/g, '').slice(0, 40) || `${d.length} bytes` }));
  });
}

/** Redis answers PING with +PONG (or -NOAUTH when it wants a password: it is there). */
export async function probeRedis(url: string, timeoutMs: number): Promise<ProbeResult> {
  const u = new URL(url);
  const r = await probeTcp(u.hostname, Number(u.port || 6379), timeoutMs, Buffer.from('PING\r\n'));
  return r.ok && !/PONG|NOAUTH|DENIED/.test(r.detail) ? { ok: false, detail: `answered "${r.detail}", not as Redis does` } : r;
}

/** A Neo4j server answers the Bolt handshake (magic 0x6060B017 and four versions) with the version it picked. */
export async function probeBolt(uri: string, timeoutMs: number): Promise<ProbeResult> {
  const u = new URL(uri);
  const hello = Buffer.from([0x60, 0x60, 0xb0, 0x17, 0, 0, 4, 5, 0, 0, 4, 4, 0, 0, 0, 4, 0, 0, 0, 3]);
  const r = await probeTcp(u.hostname, Number(u.port || 7687), timeoutMs, hello);
  return r.ok ? { ok: true, detail: 'Bolt handshake answered' } : r;
}
