import * as tf from '@tensorflow/tfjs-core';

export interface BackendInfo {
  backend: string;
  tfjsVersion: string;
  /** wasm: threads in use; tensorflow: intra-op threads when known; otherwise 1. */
  threads: number | null;
  /** wasm: whether the SIMD build is used. */
  simd: boolean | null;
  /** e.g. libtensorflow version for tfjs-node. */
  details: string;
}

/** What is running: printed by the trainers and benchmarks. */
export function backendInfo(): BackendInfo {
  const backend = tf.getBackend();
  let threads: number | null = null;
  let simd: boolean | null = null;
  let details = '';
  if (backend === 'wasm') {
    // Filled in by the wasm setup (threads, SIMD) once it owns the module.
  } else if (backend === 'tensorflow') {
    const binding = (tf.backend() as unknown as { binding?: { TF_Version?: string } }).binding;
    details = binding?.TF_Version ? `libtensorflow ${binding.TF_Version}` : '';
  } else if (backend === 'cpu') {
    threads = 1;
  }
  return { backend, tfjsVersion: tf.version_core, threads, simd, details };
}
