import { getKernel, type Attribute, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * Runs another wasm kernel from inside one of our kernels, at the backend level (no engine, no
 * tape, no tensor bookkeeping): the result is a bare `TensorInfo` the caller must {@link release}
 * unless it is returned to the engine.
 */
export function callKernel(
  backend: BackendWasm,
  kernelName: string,
  inputs: NamedTensorInfoMap,
  attrs: Record<string, unknown> = {},
): TensorInfo {
  const kernel = getKernel(kernelName, 'wasm');
  if (kernel == null) throw new Error(`@cnn/backend: wasm kernel '${kernelName}' is not registered`);
  const out = kernel.kernelFunc({ inputs, backend, attrs: attrs as Record<string, Attribute> });
  if (Array.isArray(out)) throw new Error(`@cnn/backend: wasm kernel '${kernelName}' returned several outputs`);
  return out;
}

/** A new float32 buffer of `shape` holding zeros (accumulators; reads for taps off the image). */
export function zeroFilled(backend: BackendWasm, shape: number[]): TensorInfo {
  const info = backend.makeOutput(shape, 'float32');
  (backend.typedArrayFromHeap(info) as Float32Array).fill(0);
  return info;
}

/** Frees intermediate results of {@link callKernel} (drops one reference each). */
export function release(backend: BackendWasm, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}
