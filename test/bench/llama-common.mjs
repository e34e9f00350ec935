// What the llama.cpp benchmarks share: the cached GGUF, everyday prompts, a free port.
import net from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CACHE = process.env.LLMOS_CACHE_DIR ?? join(ROOT, '.cache');
export const MODEL = process.env.LLMOS_MODEL_PATH ?? join(CACHE, 'models', 'SmolLM2-135M-Instruct.Q4_1.gguf');
export const PROMPTS = [
  "Translate 'good morning' into French.",
  'Write a short poem about the sea.',
  'Explain what a CPU does in two sentences.',
  'List three fruits and their colours.',
  'Give me a tip for sleeping better.',
  'What is the capital of Italy?',
  'Suggest a name for a grey cat.',
  'How do I boil an egg?',
];

/** A loopback port nobody listens on right now. */
export const freePort = () =>
  new Promise((ok, fail) => {
    const s = net.createServer().once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
