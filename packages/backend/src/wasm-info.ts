import * as tf from '@tensorflow/tfjs-core';
import { backendMemory, wasmState } from '@cnn/backend-wasm';
import { isNode } from './environment.js';

export interface WasmInfo {
  threads: number | null;
  simd: boolean | null;
  details: string;
}

/** What the running wasm backend is: module, threads, SIMD, our kernels — read, not assumed. */
export function wasmInfo(): WasmInfo {
  const state = wasmState.current;
  if (!state) return { threads: null, simd: null, details: ' (started outside @cnn/backend: threads/SIMD unknown)' };
  let threads: number;
  try {
    threads = state.actualThreads();
  } catch {
    threads = state.threads;
  }
  // tfjs picks its module itself in browsers: the threaded one is the one on shared memory.
  const memory = backendMemory(tf.backend() as never);
  const shared = memory != null && typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const module = shared ? 'threaded-simd' : state.module;
  let details = `, ${module} module, ${threads} thread${threads === 1 ? '' : 's'}${state.simd ? ', SIMD' : ''}, ${state.simdKernels}`;
  const note = isNode() ? state.note : browserThreadsNote(state.threads, threads, shared);
  if (note) details += ` (${note})`;
  return { threads, simd: state.simd, details };
}

/** Why a page runs fewer wasm threads than asked for; '' when it runs them all. */
function browserThreadsNote(asked: number, running: number, shared: boolean): string {
  if (running >= asked) return '';
  const want = `${asked} threads asked for`;
  if (typeof crossOriginIsolated !== 'undefined' && !crossOriginIsolated) {
    return `${want}; threads need a cross-origin-isolated page (headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp), crossOriginIsolated is false`;
  }
  if (!shared) return `${want}; tfjs loaded its single-threaded module (this browser lacks WebAssembly threads or SIMD)`;
  return `${want}; tfjs' thread pool started ${running}`;
}
