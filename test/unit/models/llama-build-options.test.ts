import { describe, expect, it } from 'vitest';
import { llamaBuildOptions } from '../../../src/plugin-api/index.js';

const flags = (s: string) => new Set(s.split(' '));
const HASWELL = flags('sse4_2 avx avx2 fma f16c bmi2');
const SAPPHIRE = flags('sse4_2 avx avx2 fma f16c bmi2 avx_vnni avx512f avx512cd avx512vl avx512dq avx512bw avx512vbmi avx512_vnni avx512_bf16 amx_tile amx_int8 amx_bf16');

describe('llamaBuildOptions: the llama.cpp build model-llamacpp loads', () => {
  it('turns OpenMP on, native off, and names every x86 instruction set this CPU has', () => {
    expect(llamaBuildOptions(SAPPHIRE, 'linux', 'x64')).toEqual({
      GGML_NATIVE: 'OFF', GGML_OPENMP: 'ON', GGML_AVX: 'ON', GGML_AVX2: 'ON', GGML_FMA: 'ON', GGML_F16C: 'ON', GGML_BMI2: 'ON',
      GGML_AVX_VNNI: 'ON', GGML_AVX512: 'ON', GGML_AVX512_VBMI: 'ON', GGML_AVX512_VNNI: 'ON', GGML_AVX512_BF16: 'ON',
    });
  });

  it('turns off what the CPU lacks, so the binary never meets an illegal instruction (and never enables AMX)', () => {
    const o = llamaBuildOptions(HASWELL, 'linux', 'x64')!;
    expect(o).toMatchObject({ GGML_AVX2: 'ON', GGML_AVX512: 'OFF', GGML_AVX512_VNNI: 'OFF', GGML_AVX_VNNI: 'OFF' });
    expect(Object.keys(llamaBuildOptions(SAPPHIRE, 'linux', 'x64')!).some((k) => k.includes('AMX'))).toBe(false);
    expect(llamaBuildOptions(flags('avx512f avx512_vnni'), 'linux', 'x64')).toMatchObject({ GGML_AVX512: 'OFF', GGML_AVX512_VNNI: 'ON' });
  });

  it('leaves other platforms on the prebuilt binary', () => {
    expect(llamaBuildOptions(SAPPHIRE, 'darwin', 'arm64')).toBeUndefined();
    expect(llamaBuildOptions(SAPPHIRE, 'linux', 'arm64')).toBeUndefined();
  });
});
