/**
 * @packageDocumentation
 * Registers our wasm kernels and (in Node) the threaded tfjs-backend-wasm module, then starts the
 * SIMD kernels on the running backend's memory. Loaded on demand by `@cnn/backend`.
 */
export { setupWasm, startSimdKernels, wasmTrainingKernels, type WasmOptions } from './setup-wasm.js';
