/**
 * ReLU's gradient on the `tensorflow` backend as TensorFlow's own `ReluGrad` kernel.
 *
 * tfjs' registered gradient is `dy · step(x)`; tfjs-node implements `Step` as six full-size ops
 * (isNaN, greater, ones, fill, two selects), so every ReLU in the backward pass costs seven
 * kernels and seven activation-sized buffers. Profiled: ≈ 25% of a ResNet-20 training step.
 * `ReluGrad(dy, x)` is one kernel. On other backends the stock formula is kept.
 *
 * Destined for @cnn/backend (it owns gradient registration, see ensureGradients): kept in its own
 * file so the owner can lift it. The override is global (gradients are registered per kernel name,
 * not per backend); {@link setFastReluGradient} switches it for A/B measurements.
 */
import * as tf from '@tensorflow/tfjs-core';

interface TfNodeBackend {
  binding: { TF_ATTR_TYPE: number; TF_FLOAT: number };
  executeSingleOutput(name: string, attrs: unknown[], inputs: tf.Tensor[]): tf.Tensor;
}

let enabled = true;
let installed = false;

/** Turns the TensorFlow kernel path on or off (it stays registered). For A/B benchmarks. */
export function setFastReluGradient(on: boolean): void {
  enabled = on;
}

/** dL/dx of relu(x) given dL/dy: TF's ReluGrad on tfjs-node, else tfjs' `dy · step(x)`. */
export function reluBackward(dy: tf.Tensor, x: tf.Tensor): tf.Tensor {
  const be = tf.backend() as unknown as Partial<TfNodeBackend>;
  if (enabled && tf.getBackend() === 'tensorflow' && typeof be.executeSingleOutput === 'function' && be.binding && x.dtype === 'float32') {
    const b = be.binding;
    return be.executeSingleOutput('ReluGrad', [{ name: 'T', type: b.TF_ATTR_TYPE, value: b.TF_FLOAT }], [dy.dtype === 'float32' ? dy : tf.cast(dy, 'float32'), x]);
  }
  return tf.mul(dy, tf.cast(tf.step(x), 'float32'));
}

/**
 * Registers the Relu gradient above (replacing tfjs-core's). Call after `ensureGradients()` /
 * `initBackend()`, which register the stock one. Idempotent.
 */
export function installFastReluGradient(): void {
  if (installed) return;
  if (tf.getGradient('Relu') != null) tf.unregisterGradient('Relu');
  tf.registerGradient({
    kernelName: 'Relu',
    inputsToSave: ['x'],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => ({ x: () => reluBackward(dy as tf.Tensor, saved[0]) }),
  });
  installed = true;
}
