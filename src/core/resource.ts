/** Who reads a resource: the session's owner, for resources that show only what it may see. */
export interface Reader {
  owner: string;
}

/**
 * Read-only kernel tables exposed as MCP resources. A fixed resource has a
 * `uri`; a template has `template` (RFC 6570, e.g. "llmos://proc/{pid}").
 */
export interface ResourceEntry {
  name: string;
  title: string;
  description: string;
  uri?: string;
  template?: string;
  /** A resource that is not JSON (e.g. an MCP App's "text/html;profile=mcp-app" page): read() returns its text, served as is with this type. */
  mimeType?: string;
  /** The resource's _meta in resources/read (e.g. an MCP App's {ui: {csp, prefersBorder}}). */
  meta?: Record<string, unknown>;
  /** Returns the JSON body of one resource; `reader` is the session asking (absent inside the server). */
  read(uri: string, vars: Record<string, string>, reader?: Reader): unknown | Promise<unknown>;
  /** Concrete resources under a template, for resources/list. */
  list?(reader?: Reader): Array<{ uri: string; name: string }>;
  /** Completions for one template variable; `reader` is the session asking (absent inside the server). */
  complete?: Record<string, (prefix: string, reader?: Reader) => string[] | Promise<string[]>>;
}
