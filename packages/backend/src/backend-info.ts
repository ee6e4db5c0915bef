import * as tf from '@tensorflow/tfjs-core';
import { gpuDetails } from './gpu-info.js';
import { wasmInfo } from './wasm-info.js';

export interface BackendInfo {
  /** tfjs' name of the active backend: 'tensorflow', 'wasm', 'cpu', … ('none' before one is started). */
  backend: string;
  /** tfjs-core version. */
  tfjsVersion: string;
  /**
   * Compute threads: wasm — XNNPACK threads in use (read from the running module, in browsers
   * too); webgl, webgpu — null (the GPU); tensorflow — TensorFlow's intra-op pool size
   * when known (`TF_NUM_INTRAOP_THREADS`), else null (TensorFlow picks one per core); cpu — 1.
   */
  threads: number | null;
  /** wasm: whether the SIMD build runs; null for other backends. */
  simd: boolean | null;
  /** tensorflow: libtensorflow version (e.g. "2.21.0"); null otherwise. */
  tensorflowVersion: string | null;
  /**
   * One human line: e.g. "wasm, tfjs-core 4.22.0, threaded-simd module, 2 threads, SIMD, SIMD
   * kernels on 2 threads, fused multiply-add"; in a browser that runs fewer wasm threads than asked
   * for, why (e.g. the page is not cross-origin isolated).
   */
  details: string;
}

/** What is running, for logs and benchmark reports (printed by the trainers). Starts nothing. */
export function backendInfo(): BackendInfo {
  // tf.getBackend() only reads the engine's field: no backend is initialised by asking.
  const backend = tf.getBackend() || 'none';
  let threads: number | null = null;
  let simd: boolean | null = null;
  let tensorflowVersion: string | null = null;
  let details = `${backend === 'none' ? 'no backend started yet (call initBackend())' : backend}, tfjs-core ${tf.version_core}`;
  if (backend === 'wasm') {
    const wasm = wasmInfo();
    ({ threads, simd } = wasm);
    details += wasm.details;
  } else if (backend === 'tensorflow') {
    const binding = (tf.backend() as unknown as { binding?: { TF_Version?: string } }).binding;
    tensorflowVersion = binding?.TF_Version ?? null;
    const intra = typeof process !== 'undefined' ? Number(process.env?.TF_NUM_INTRAOP_THREADS) : NaN;
    threads = Number.isInteger(intra) && intra > 0 ? intra : null;
    details += `, libtensorflow ${tensorflowVersion ?? 'unknown'}${threads ? `, ${threads} intra-op threads` : ''}`;
  } else if (backend === 'cpu') {
    threads = 1;
  } else if (backend === 'webgl' || backend === 'webgpu') {
    details += gpuDetails(backend);
  }
  return { backend, tfjsVersion: tf.version_core, threads, simd, tensorflowVersion, details };
}
