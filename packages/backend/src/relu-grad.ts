import * as tf from '@tensorflow/tfjs-core';
import { RELU_GRAD, simdKernelRuns } from '@cnn/backend-wasm';

/** The parts of tfjs-node's backend this file calls (duck-typed: tfjs-node is an optional peer). */
interface TensorflowBackend {
  binding: { TF_ATTR_TYPE: number; TF_FLOAT: number };
  executeSingleOutput(name: string, attrs: unknown[], inputs: tf.Tensor[]): tf.Tensor;
}

function tensorflowBackend(): TensorflowBackend | null {
  if (tf.getBackend() !== 'tensorflow') return null;
  const be = tf.backend() as unknown as Partial<TensorflowBackend>;
  return typeof be.executeSingleOutput === 'function' && be.binding ? (be as TensorflowBackend) : null;
}

/**
 * dL/dx of `relu(x)` given dL/dy. On `tensorflow` it is TensorFlow's single `ReluGrad` kernel;
 * on `wasm` our SIMD kernel (when it runs); elsewhere tfjs' own formula `dy · step(x)`. Why: tfjs-node runs `Step` as six full-size ops, so
 * every ReLU in a backward pass cost seven kernels — measured ≈ 25% of a ResNet-20 training step
 * (benchmarks/, BENCHMARKS.md: training +48–58%, PGD +59–63% single-threaded with this kernel).
 */
export function reluBackward(dy: tf.Tensor, x: tf.Tensor): tf.Tensor {
  const be = x.dtype === 'float32' ? tensorflowBackend() : null;
  if (be) {
    const attrs = [{ name: 'T', type: be.binding.TF_ATTR_TYPE, value: be.binding.TF_FLOAT }];
    return be.executeSingleOutput('ReluGrad', attrs, [dy.dtype === 'float32' ? dy : tf.cast(dy, 'float32'), x]);
  }
  if (x.dtype === 'float32' && dy.dtype === 'float32' && simdKernelRuns(RELU_GRAD)) {
    return tf.engine().runKernel(RELU_GRAD, { dy, x }, {}) as tf.Tensor;
  }
  return tf.mul(dy, tf.cast(tf.step(x), 'float32'));
}

/**
 * Registers {@link reluBackward} as the gradient of the `Relu` kernel, replacing tfjs-core's (same
 * values; the backend is checked at each call, so switching backends later stays correct). Called
 * by `initBackend` when it starts `tensorflow` (after tfjs-node, which brings tfjs' own gradients,
 * has loaded) or `wasm`.
 */
export function installReluGradient(): void {
  if (tf.getGradient('Relu') != null) tf.unregisterGradient('Relu');
  tf.registerGradient({
    kernelName: 'Relu',
    inputsToSave: ['x'],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => ({ x: () => reluBackward(dy as tf.Tensor, saved[0]) }),
  });
}
