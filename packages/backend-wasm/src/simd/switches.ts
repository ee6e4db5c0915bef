import { sharedState } from '../shared-state.js';
import { switchedOff } from '../threaded-module.js';

/**
 * Which convolution paths our kernels may take. Each is on unless its `CNN_WASM_*` variable is
 * `0` when the kernels start (for ablations: the benchmarks time each path by switching the others
 * off); later changes of the environment have no effect, so a kernel call never reads it.
 */
export interface KernelSwitches {
  /** `CNN_WASM_SIMD_CONV`: our forward convolution at all (else XNNPACK's). */
  simdConv: boolean;
  /** `CNN_WASM_WINOGRAD`: Winograd for 3×3 stride-1 convolutions. */
  winograd: boolean;
  /** `CNN_WASM_WINOGRAD4`: F(4×4, 3×3) where it pays (else F(2×2, 3×3)). */
  winograd4: boolean;
  /** `CNN_WASM_GEMM`: 1×1 stride-1 convolutions as one matrix product. */
  gemm: boolean;
  /** `CNN_WASM_IM2COL`: patches × filter for large filters and some filter gradients. */
  im2col: boolean;
}

const VARIABLES: Record<keyof KernelSwitches, string> = {
  simdConv: 'CNN_WASM_SIMD_CONV',
  winograd: 'CNN_WASM_WINOGRAD',
  winograd4: 'CNN_WASM_WINOGRAD4',
  gemm: 'CNN_WASM_GEMM',
  im2col: 'CNN_WASM_IM2COL',
};

/** The switches as the environment sets them now (all on outside Node). */
export function readKernelSwitches(): KernelSwitches {
  const entries = Object.entries(VARIABLES).map(([key, variable]) => [key, !switchedOff(variable)]);
  return Object.fromEntries(entries) as KernelSwitches;
}

/** The switches in force: read once by `startSimdKernels` (shared by every copy of the package). */
export const kernelSwitches: { current: KernelSwitches } = (sharedState.kernelSwitches ??= { current: readKernelSwitches() });

/**
 * Runs `body` with some switches changed, then restores them; for tests that compare two paths
 * of one convolution in one process.
 */
export function withKernelSwitches<T>(changes: Partial<KernelSwitches>, body: () => T): T {
  const saved = kernelSwitches.current;
  kernelSwitches.current = { ...saved, ...changes };
  try {
    return body();
  } finally {
    kernelSwitches.current = saved;
  }
}
