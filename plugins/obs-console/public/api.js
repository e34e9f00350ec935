// The console's calls to /ui/api: the bearer token rides in a header (never a
// cookie), so another site cannot act with it; live updates are Server-Sent
// Events read from a fetch() body, since EventSource cannot send a header.
const KEY = 'llmos-console-token';

export const token = {
  get: () => sessionStorage.getItem(KEY),
  set: (t) => sessionStorage.setItem(KEY, t),
  clear: () => sessionStorage.removeItem(KEY),
};

/** Calls a route; resolves with its JSON, or throws Error(code: message). */
export async function api(path, init = {}) {
  const headers = { authorization: `Bearer ${token.get()}`, ...(init.body ? { 'content-type': 'application/json' } : {}) };
  const res = await fetch(path, { ...init, headers });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    const e = body.error ?? {};
    const err = new Error(`${e.code ?? res.status}: ${e.message ?? body.message ?? res.statusText}`);
    err.status = res.status;
    throw err;
  }
  return body;
}

/** Follows an SSE route: calls onEvent(name, data) per event until it ends or `signal` aborts. */
export async function follow(path, onEvent, signal) {
  const res = await fetch(path, { headers: { authorization: `Bearer ${token.get()}` }, signal });
  if (!res.ok) {
    const e = (await res.json().catch(() => ({}))).error ?? {};
    throw new Error(`${e.code ?? res.status}: ${e.message ?? res.statusText}`);
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += value;
    let cut;
    while ((cut = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, cut);
      buf = buf.slice(cut + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) onEvent(event, JSON.parse(data));
    }
  }
}
