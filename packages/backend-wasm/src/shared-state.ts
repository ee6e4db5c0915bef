import type { SimdKernels } from './simd/simd-kernels.js';
import type { KernelSwitches } from './simd/switches.js';
import type { WasmState } from './wasm-state.js';

interface SharedState {
  simdKernels: { current: SimdKernels | null };
  wasmState: { current: WasmState | null };
  /** Filled on first use by simd/switches.ts (absent in a state made by an older copy). */
  kernelSwitches?: { current: KernelSwitches };
}

/**
 * The one record of what runs, shared by every copy of this package in the process: a CommonJS
 * `require` and an ESM `import` of it (Node's dual-package hazard: `@cnn/backend`'s CJS build
 * loads `/setup` through `import()`) must see the same kernels, or one copy would fall back.
 */
export const sharedState: SharedState = ((globalThis as Record<symbol, SharedState>)[Symbol.for('@cnn/backend-wasm:state')] ??= {
  simdKernels: { current: null },
  wasmState: { current: null },
});
