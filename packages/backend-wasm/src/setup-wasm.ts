import * as tf from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input.js';
import { channelBroadcastKernels } from './channel-broadcast.js';
import { identityConfig } from './identity.js';
import { sliceWithBlockCopies } from './slice.js';
import { maxPoolGradConfig } from './max-pool-grad.js';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.js';
import { batchNormTrainConfig, batchNormTrainGradConfig } from './simd/batch-norm.js';
import { conv2dBiasConfig, conv2dBiasGradient, conv2dWithSimd } from './simd/conv2d.js';
import { reluGradConfig } from './simd/relu-grad.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { SimdKernels } from './simd/simd-kernels.js';
import { backendMemory, simdKernels } from './simd/state.js';
import { isNode, nodeImport, registerThreadedWasm, switchedOff } from './threaded-module.js';
import { kernelSwitches, readKernelSwitches } from './simd/switches.js';
import { wasmState, type WasmState } from './wasm-state.js';

/** The kernels we add to (or replace in) tfjs-backend-wasm 4.22 so that it trains well. */
export const wasmTrainingKernels: tf.KernelConfig[] = [
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  maxPoolGradConfig,
  unsortedSegmentSumConfig,
  batchNormTrainConfig,
  batchNormTrainGradConfig,
  reluGradConfig,
  identityConfig,
  conv2dBiasConfig,
];

export interface WasmOptions {
  /**
   * XNNPACK threads. Default: env `CNN_WASM_THREADS`, else the number of logical CPUs (at most 8,
   * tfjs' pool size). 1 loads tfjs' own single-threaded module.
   */
  threads?: number;
}

let setup: Promise<WasmState> | null = null;

/** Marks kernel configs we made by wrapping tfjs' own (so a second setup does not wrap twice). */
const OURS = Symbol.for('@cnn/backend-wasm:kernel');

/** `options.threads`, else env `CNN_WASM_THREADS`, else the logical CPU count (≤ 8). */
async function chooseThreads(options: WasmOptions): Promise<number> {
  const fromEnv = isNode() ? process.env.CNN_WASM_THREADS : undefined;
  let threads: number;
  if (options.threads != null) threads = options.threads;
  else if (fromEnv != null && fromEnv !== '') threads = Number(fromEnv);
  else if (isNode()) threads = Math.min(8, (await nodeImport<typeof import('node:os')>('node:os')).cpus().length);
  else threads = Math.min(8, typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 1 : 1);
  if (!Number.isInteger(threads) || threads < 1 || threads > 8) {
    const source = options.threads != null ? 'wasm threads' : `CNN_WASM_THREADS="${fromEnv}"`;
    throw new RangeError(`${source}: must be an integer in [1, 8], got ${threads}`);
  }
  return threads;
}

/**
 * Registers the wasm backend (threaded in Node when more than one thread is wanted) and the
 * kernels it lacks for training. Does not start it (`tf.setBackend('wasm')` does). Idempotent:
 * options only count on the first call.
 */
export function setupWasm(options: WasmOptions = {}): Promise<WasmState> {
  setup ??= doSetup(options).catch((error: unknown) => {
    setup = null;
    throw error;
  });
  return setup;
}

/**
 * Our version of one of tfjs-backend-wasm's kernels, which stays its fallback (and whose setupFunc
 * still runs when the backend starts); the stock config is wrapped once however often setup runs.
 */
function wrapStock(kernelName: string, wrap: (stock: tf.KernelConfig) => tf.KernelConfig): tf.KernelConfig {
  const stock = tf.getKernel(kernelName, 'wasm');
  if (stock == null) throw new Error(`tfjs-backend-wasm registered no '${kernelName}' kernel`);
  if (OURS in stock) return stock;
  return Object.assign(wrap(stock), { [OURS]: true });
}

async function doSetup(options: WasmOptions): Promise<WasmState> {
  const wasmPackage = await import('@tensorflow/tfjs-backend-wasm');
  const pkg = ('BackendWasm' in wasmPackage ? wasmPackage : (wasmPackage as { default: typeof wasmPackage }).default) as typeof wasmPackage;
  const wrapped = [wrapStock('Conv2D', conv2dWithSimd), wrapStock('Slice', sliceWithBlockCopies)];
  for (const config of [...wasmTrainingKernels, ...channelBroadcastKernels(), ...wrapped]) {
    if (tf.getKernel(config.kernelName, 'wasm') != null) tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  }
  if (tf.getGradient(conv2dBiasGradient.kernelName) == null) tf.registerGradient(conv2dBiasGradient);
  let threads = await chooseThreads(options);
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  let note = '';
  if (threads > 1 && isNode() && simd) {
    try {
      await registerThreadedWasm(threads, pkg as unknown as Parameters<typeof registerThreadedWasm>[1]);
      const state: WasmState = { threads, simd: true, module: 'threaded-simd', note: '', simdKernels: 'no SIMD kernels yet (backend not started)', actualThreads: () => pkg.getThreadsCount() };
      wasmState.current = state;
      return state;
    } catch (error) {
      note = `threads unavailable (${error instanceof Error ? error.message : String(error)}); using 1`;
    }
  } else if (threads > 1 && isNode()) {
    note = 'no wasm SIMD support; using 1 thread';
  } else if (!isNode()) {
    // In browsers tfjs itself picks the threaded module when cross-origin isolated.
    pkg.setThreadsCount(threads);
  }
  if (isNode()) threads = 1;
  const state: WasmState = { threads, simd, module: simd ? 'simd' : 'plain', note, simdKernels: 'no SIMD kernels yet (backend not started)', actualThreads: () => pkg.getThreadsCount() };
  wasmState.current = state;
  return state;
}

/**
 * Starts our SIMD kernels (csrc/) on the running wasm backend's memory, with as many threads as
 * XNNPACK when that memory is shared (Node, threaded module), else one. Skipped with
 * `CNN_WASM_SIMD_KERNELS=0`. Records what runs in `wasmState` (shown by `backendInfo()`).
 */
export async function startSimdKernels(backend: BackendWasm): Promise<void> {
  const state = wasmState.current;
  const memory = backendMemory(backend);
  let what: string;
  // The CNN_WASM_* path switches are read here, once, not on every kernel call.
  kernelSwitches.current = readKernelSwitches();
  if (switchedOff('CNN_WASM_SIMD_KERNELS')) {
    simdKernels.current = null;
    what = 'SIMD kernels off (CNN_WASM_SIMD_KERNELS=0)';
  } else if (memory == null) {
    simdKernels.current = null;
    what = "no SIMD kernels (the wasm module's memory is not reachable)";
  } else if (simdKernels.current?.memory === memory) {
    return;
  } else {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    try {
      simdKernels.current = await SimdKernels.create(memory, shared ? (state?.threads ?? 1) : 1);
      const threads = simdKernels.current?.threads ?? 0;
      what = simdKernels.current == null ? 'no SIMD kernels (no WebAssembly SIMD)' : `SIMD kernels on ${threads} thread${threads === 1 ? '' : 's'}${simdKernels.current.relaxed ? ', fused multiply-add' : ''}`;
    } catch (error) {
      // Slower, not broken: the fallbacks run.
      simdKernels.current = null;
      what = `no SIMD kernels (${error instanceof Error ? error.message : String(error)})`;
    }
  }
  if (state) state.simdKernels = what;
}
