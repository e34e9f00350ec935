import { getLlama, LlamaCompletion } from 'node-llama-cpp';
const llama = await getLlama({ gpu: false, build: 'never' });
console.log('buildType', llama.buildType, 'threads', llama.cpuMathCores);
const model = await llama.loadModel({ modelPath: process.argv[2], gpuLayers: 0 });
const ctx = await model.createContext({ contextSize: 2048, threads: 2, sequences: 1 });
const seq = ctx.getSequence();
const comp = new LlamaCompletion({ contextSequence: seq });
const prompts = ['Explain what a hash table is.', 'Write a haiku about autumn.', 'What is the capital of France and why is it famous?', 'Give three tips for learning to cook.'];
let toks = 0; const t0 = performance.now();
for (let r = 0; r < 2; r++) for (const p of prompts) {
  const text = await comp.generateCompletion(`<|im_start|>user\n${p}<|im_end|>\n<|im_start|>assistant\n`, { maxTokens: 64, temperature: 0 });
  toks += model.tokenize(text).length;
}
const s = (performance.now() - t0) / 1000;
console.log(`tokens ${toks} in ${s.toFixed(2)} s = ${(toks / s).toFixed(1)} tok/s`);
process.exit(0);
