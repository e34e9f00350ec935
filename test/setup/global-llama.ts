/**
 * vitest globalSetup: one llama.cpp server with the cached SmolLM2 GGUF per run;
 * tests read inject('llamaBaseURL') (ends in /v1) and inject('modelPath').
 */
import type { TestProject } from 'vitest/node';
import { modelPath, startLlamaServer } from './components.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  project.provide('modelPath', modelPath());
  const llama = await startLlamaServer();
  project.provide('llamaBaseURL', llama.baseURL);
  return async () => llama.stop();
}
