/** Node's header record (undici's answer) as WHATWG Headers, every value of a repeated header kept. */
export function webHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [k, v] of Object.entries(raw)) for (const one of Array.isArray(v) ? v : v === undefined ? [] : [v]) headers.append(k, one);
  return headers;
}
