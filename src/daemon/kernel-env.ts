/**
 * The environment a kernel process is started with: the caller's, with
 * libuv's thread pool at one thread unless the operator set
 * UV_THREADPOOL_SIZE. libuv reads the size once, before any of our code
 * runs, so only a process that starts the kernel can choose it.
 *
 * Why one: node-llama-cpp runs every decode and every sampling step of the
 * in-process model as its own pool task. With libuv's default four threads,
 * consecutive tasks land on different threads, and on a 2-core machine one
 * generation ran at 56–63 tokens/s against 132–151 with one thread (raw
 * LlamaCompletion, SmolLM2-135M; README, issue #17). The same thread also
 * serves the process's other pool work (file reads, kg-core's JSONL
 * snapshots, DNS lookups), which then waits for at most one decode.
 */
export function kernelEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, UV_THREADPOOL_SIZE: env.UV_THREADPOOL_SIZE || '1' };
}
