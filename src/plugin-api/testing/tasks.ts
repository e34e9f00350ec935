import type { Task } from '../index.js';

/** A complete Task from the fields a test cares about; the rest take the kernel's defaults (prompt "hello" unless messages are given). */
export function contractTask(over: Partial<Task> = {}): Task {
  const prompt = over.messages ? {} : { prompt: 'hello' };
  return { ...prompt, priority: 4, max_tokens: 256, model: 'auto', metadata: {}, ...over };
}
