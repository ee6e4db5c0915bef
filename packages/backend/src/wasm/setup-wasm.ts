import * as tf from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input.js';

let done = false;

/** The kernels we add to (or replace in) tfjs-backend-wasm 4.22 so that it trains well. */
export const wasmTrainingKernels: tf.KernelConfig[] = [conv2DBackpropFilterConfig, conv2DBackpropInputConfig];

/**
 * Registers the wasm backend (tfjs-backend-wasm registers itself on import) and the kernels it
 * lacks for training. Idempotent.
 */
export async function setupWasm(): Promise<void> {
  if (done) return;
  await import('@tensorflow/tfjs-backend-wasm');
  for (const config of wasmTrainingKernels) {
    if (tf.getKernel(config.kernelName, 'wasm') != null) tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  }
  done = true;
}
