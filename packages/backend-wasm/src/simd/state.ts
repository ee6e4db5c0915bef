/**
 * Which SIMD kernels run, kept apart from the module that holds their code (so that checking costs
 * no import of the embedded WebAssembly).
 */
import { sharedState } from '../shared-state.js';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { SimdKernels } from './simd-kernels.js';

/** Set by `startSimdKernels` once the wasm backend runs; null: the fallbacks run. */
export const simdKernels: { current: SimdKernels | null } = sharedState.simdKernels;

/** The kernels if they run on `backend`'s memory (a re-registered backend has another one). */
export function kernelsFor(backend: BackendWasm): SimdKernels | null {
  const k = simdKernels.current;
  return k != null && backendMemory(backend) === k.memory ? k : null;
}

/**
 * Whether the op-level code may run our kernel `kernelName` now: the active backend is wasm, the
 * kernel is registered, and our SIMD kernels run on that backend's memory.
 */
export function simdKernelRuns(kernelName: string): boolean {
  return tf.getBackend() === 'wasm' && tf.getKernel(kernelName, 'wasm') != null && kernelsFor(tf.backend() as unknown as BackendWasm) != null;
}

/** The memory of a running wasm backend's module, where its tensors live. */
export function backendMemory(backend: BackendWasm): WebAssembly.Memory | null {
  const module = (backend as unknown as { wasm?: { wasmMemory?: unknown; asm?: { memory?: unknown } } }).wasm;
  const memory = module?.wasmMemory ?? module?.asm?.memory;
  return typeof WebAssembly !== 'undefined' && memory instanceof WebAssembly.Memory ? memory : null;
}

/** Byte offset of a tensor in the backend's memory. */
export function offsetOf(backend: BackendWasm, info: { dataId: object }): number {
  return (backend as unknown as { getMemoryOffset(dataId: object): number }).getMemoryOffset(info.dataId);
}
