import type { HttpRequest, KernelApi, SyscallContext } from '../../src/plugin-api/index.js';

/** Who a console request acts as, and whether that owner is an admin. */
export interface Caller {
  owner: string;
  admin: boolean;
}

/** "user:<name>" for a named user's token (as their MCP sessions are owned), else `shared` (the shared token, or none on an open loopback server). */
export function callerOf(kernel: KernelApi, req: HttpRequest, shared: string): Caller {
  const owner = req.user ? `user:${req.user}` : shared;
  return { owner, admin: kernel.isAdmin(owner) };
}

/** A syscall context for the caller, aborted when the request's connection closes. */
export function contextFor(req: HttpRequest, owner: string): SyscallContext {
  const ac = new AbortController();
  req.socket.once('close', () => ac.abort());
  return { owner, signal: ac.signal, progress: () => {} };
}
