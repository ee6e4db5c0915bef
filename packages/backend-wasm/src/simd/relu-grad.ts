import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { RELU_GRAD } from './names.js';
import { sliceStart } from './simd-kernels.js';
import { kernelsFor, offsetOf } from './state.js';

/** Below this many values per thread, waking a helper costs more than it saves. */
const MIN_VALUES_PER_THREAD = 1 << 17;

/** `dx = x > 0 ? dy : 0` (float32, same shapes) by csrc/relu-grad.c. */
function reluGrad(args: { inputs: { dy: TensorInfo; x: TensorInfo }; backend: BackendWasm }): TensorInfo {
  const { backend } = args;
  const { dy, x } = args.inputs;
  const kernels = kernelsFor(backend);
  if (kernels == null) throw new Error(`@cnn/backend: ${RELU_GRAD} needs the wasm SIMD kernels, which are not running`);
  const size = x.shape.reduce((a, b) => a * b, 1);
  const dx = backend.makeOutput(x.shape, 'float32');
  // Split on multiples of 4 elements: each thread's vectors stay whole.
  const threads = kernels.threadsFor(size, size, MIN_VALUES_PER_THREAD);
  const at = sliceStart(size, threads, 4);
  const [dyAt, xAt, dxAt] = [offsetOf(backend, dy), offsetOf(backend, x), offsetOf(backend, dx)];
  kernels.parallel('relu_grad', threads, (t) => ({ dy: dyAt, x: xAt, dx: dxAt, i0: at(t), i1: at(t + 1) }));
  return dx;
}

export const reluGradConfig: KernelConfig = {
  kernelName: RELU_GRAD,
  backendName: 'wasm',
  kernelFunc: reluGrad as unknown as KernelFunc,
};
