import { readFileSync } from 'node:fs';

/**
 * The opt-in llama.cpp build for the in-process backend (model-llamacpp), as
 * node-llama-cpp cmake options: OpenMP on, and this CPU's x86 instruction sets
 * named one by one. `llmos model build` compiles it; the backend loads it when
 * it exists, else node-llama-cpp's prebuilt binary, so both call this and agree.
 *
 * What it trades: the prebuilt has no OpenMP, so ggml starts a thread pool for
 * every decode whose threads spin at a barrier, erratic when other work shares
 * the cores; but it picks a CPU variant at run time (AMX on Sapphire Rapids),
 * which this build leaves out, so its prompt evaluation is faster on a quiet
 * machine. Not -march=native: on virtual CPUs GCC's native flags can include
 * instructions the hypervisor does not enable, and that binary died with SIGILL.
 *
 * Undefined off linux-x64, where the prebuilt binary is used as it is.
 */
export function llamaBuildOptions(cpuFlags = linuxCpuFlags(), platform: string = process.platform, arch: string = process.arch): Record<string, string> | undefined {
  if (platform !== 'linux' || arch !== 'x64' || !cpuFlags) return undefined;
  const on = (...flags: string[]) => (flags.every((f) => cpuFlags.has(f)) ? 'ON' : 'OFF');
  return {
    GGML_NATIVE: 'OFF',
    GGML_OPENMP: 'ON',
    GGML_AVX: on('avx'),
    GGML_AVX2: on('avx2'),
    GGML_FMA: on('fma'),
    GGML_F16C: on('f16c'),
    GGML_BMI2: on('bmi2'),
    GGML_AVX_VNNI: on('avx_vnni'),
    GGML_AVX512: on('avx512f', 'avx512cd', 'avx512vl', 'avx512dq', 'avx512bw'),
    GGML_AVX512_VBMI: on('avx512f', 'avx512vbmi'),
    GGML_AVX512_VNNI: on('avx512f', 'avx512_vnni'),
    GGML_AVX512_BF16: on('avx512f', 'avx512_bf16'),
  };
}

/** The first CPU's flags from /proc/cpuinfo; undefined when it cannot be read. */
function linuxCpuFlags(): Set<string> | undefined {
  try {
    const line = /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    return line ? new Set(line[1].trim().split(/\s+/)) : undefined;
  } catch {
    return undefined;
  }
}
