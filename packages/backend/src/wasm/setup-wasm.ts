import * as tf from '@tensorflow/tfjs-core';

let done = false;

/**
 * Registers the wasm backend (tfjs-backend-wasm registers itself on import) and the kernels it
 * lacks for training. Idempotent.
 */
export async function setupWasm(): Promise<void> {
  if (done) return;
  await import('@tensorflow/tfjs-backend-wasm');
  // TODO(backend): register Conv2DBackpropFilter and other missing training kernels; threads.
  void tf;
  done = true;
}
