/**
 * For the ReLU-gradient ablation: switches the globally registered `Relu` gradient between what
 * @cnn/backend ships (on `tensorflow`: TF's single `ReluGrad` kernel, installed by
 * `initBackend('tensorflow')`) and tfjs' stock formula `dy · step(x)` (six kernels for `Step` on
 * tfjs-node). Gradients are registered per kernel name, not per backend, so the worker calls
 * {@link useReluGradient} before every step of a case.
 */
import * as tf from '@tensorflow/tfjs-core';

export type ReluGradientChoice = 'shipped' | 'stock';

let shipped: tf.GradConfig | null = null;
let current: ReluGradientChoice = 'shipped';

/** tfjs-core's own Relu gradient (its `Relu_grad`): `dy · step(x)` as float32. */
const stock: tf.GradConfig = {
  kernelName: 'Relu',
  inputsToSave: ['x'],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => ({
    x: () => tf.mul(dy as tf.Tensor, tf.cast(tf.step(saved[0]), 'float32')),
  }),
};

/**
 * Remembers the Relu gradient registered now as "shipped". Call once, right after `initBackend`
 * (before any {@link useReluGradient}). Throws when none is registered.
 */
export function rememberShippedReluGradient(): void {
  const g = tf.getGradient('Relu');
  if (!g) throw new Error('no Relu gradient registered: call initBackend() first');
  shipped = g;
  current = 'shipped';
}

/** Registers the chosen Relu gradient (no-op when it is already the active one). */
export function useReluGradient(choice: ReluGradientChoice): void {
  if (!shipped) throw new Error('useReluGradient: rememberShippedReluGradient() was not called after initBackend()');
  if (choice === current) return;
  tf.unregisterGradient('Relu');
  tf.registerGradient(choice === 'stock' ? stock : shipped);
  current = choice;
}
