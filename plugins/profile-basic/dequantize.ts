/**
 * Stored integer weights as floats: min + q · scale each. A plain loop into a
 * preallocated array: `Float32Array.from(q, fn)` first gathers every mapped
 * value as a boxed number, ~70 MB of transient heap for the code model's
 * 1.5 M weights, which the process's RSS kept (issue #16's RSS goal).
 */
export function dequantize(q: ArrayLike<number>, min: number, scale: number): Float32Array {
  const out = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) out[i] = min + q[i] * scale;
  return out;
}
