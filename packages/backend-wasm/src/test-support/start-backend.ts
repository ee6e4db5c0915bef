/**
 * Starts `cpu` or `wasm` for this package's tests the way `@cnn/backend`'s `initBackend` does for
 * wasm (gradients, our kernels, threads), without depending on @cnn/backend (which depends on us).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { ensureGradients } from '@cnn/core/gradients';
import { setupWasm, startSimdKernels } from '../setup-wasm.js';
import { wasmState } from '../wasm-state.js';

export async function initBackend(name: 'cpu' | 'wasm', options: { wasmThreads?: number } = {}): Promise<void> {
  ensureGradients();
  if (name === 'wasm') await setupWasm({ threads: options.wasmThreads });
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') failed`);
  await tf.ready();
  if (name === 'wasm') await startSimdKernels(tf.backend() as never);
}

/** What runs, as `@cnn/backend`'s backendInfo().details reports it. */
export function kernelsDetails(): string {
  return wasmState.current?.simdKernels ?? '';
}
