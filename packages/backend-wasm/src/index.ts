/**
 * @packageDocumentation
 * The kernels tfjs-backend-wasm 4.22 lacks or runs slowly for training, and multithreading in
 * Node: WebAssembly SIMD kernels compiled from `csrc/` (Winograd and direct convolutions, their
 * gradients, a packed matrix product, training BatchNorm, ReLU's gradient) running inside tfjs'
 * own memory on helper threads, plus JS kernels (Slice, Identity, MaxPoolGrad, …).
 *
 * This entry is light (no kernel code): the names of the kernels we add and whether they run.
 * `@cnn/backend-wasm/setup` registers the kernels and loads the threaded module; `@cnn/backend`
 * calls it when it starts wasm — users normally never import this package themselves.
 */
export { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD, CONV2D_BIAS, RELU_GRAD } from './simd/names.js';
export { simdKernelRuns, simdKernels, kernelsFor, backendMemory } from './simd/state.js';
export { wasmState, type WasmState } from './wasm-state.js';
export type { SimdKernels, KernelArgs, KernelExports, KernelName } from './simd/simd-kernels.js';
export { KERNEL_SIGNATURES } from './simd/exports.js';
