import { sharedState } from './shared-state.js';

/** What the wasm setup chose, for `@cnn/backend`'s `backendInfo()`. */
export interface WasmState {
  /** XNNPACK threads (1 when single-threaded). */
  threads: number;
  /** Whether the SIMD build runs. */
  simd: boolean;
  /** Which Emscripten module: 'threaded-simd' (ours, Node), or tfjs' own choice. */
  module: 'threaded-simd' | 'simd' | 'plain';
  /** Why threads are not used, when they are not. */
  note: string;
  /**
   * Whether our SIMD kernels (filter gradient, training BatchNorm) run, on how many threads, or
   * why not (then the filter gradient is an XNNPACK convolution and BatchNorm composed tfjs ops).
   */
  simdKernels: string;
  /** XNNPACK's own count once the backend runs (throws before). */
  actualThreads: () => number;
}

export const wasmState: { current: WasmState | null } = sharedState.wasmState;
