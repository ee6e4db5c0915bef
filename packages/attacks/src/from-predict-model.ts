import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D, Tensor4D } from '@tensorflow/tfjs-core';
import type { Classifier } from '@cnn/core';

/**
 * Anything with `predict(x)` (tf.LayersModel, tf.GraphModel) or `execute(x)` (tf.GraphModel)
 * returning one tensor. Duck-typed: no dependency on tfjs-layers or tfjs-converter.
 */
export type PredictModel = { predict(x: Tensor, ...rest: never[]): Tensor | Tensor[] | Record<string, Tensor> } | { execute(x: Tensor, ...rest: never[]): Tensor | Tensor[] | Record<string, Tensor> };

export interface FromPredictModelOptions {
  /**
   * Per-channel normalisation the model expects in front: it receives `(x − mean) / std`, where x
   * is in [0, 1]. Lengths must equal the channel count (or 1).
   */
  normalize?: { mean: readonly number[]; std: readonly number[] };
  /**
   * What the model outputs: `'logits'` (default) or `'probabilities'` (ends in softmax; the
   * classifier then returns log-probabilities, which are valid logits).
   */
  output?: 'logits' | 'probabilities';
}

/**
 * Wraps a user's model as a {@link Classifier} (NHWC images in [0, 1] → logits) for the attacks.
 * The model must be differentiable with respect to its input and run in inference mode when
 * called with `predict` / `execute` (tf.LayersModel.predict does). The returned function disposes
 * its intermediate tensors; it never disposes its input.
 */
export function fromPredictModel(model: PredictModel, options: FromPredictModelOptions = {}): Classifier {
  const m = model as { predict?: unknown; execute?: unknown };
  const call =
    typeof m.predict === 'function'
      ? (x: Tensor) => (m.predict as (x: Tensor) => unknown).call(model, x)
      : typeof m.execute === 'function'
        ? (x: Tensor) => (m.execute as (x: Tensor) => unknown).call(model, x)
        : undefined;
  if (!call) throw new TypeError('fromPredictModel: model must have a predict(x) or execute(x) method');
  const { normalize, output = 'logits' } = options;
  if (output !== 'logits' && output !== 'probabilities') {
    throw new Error(`fromPredictModel: output must be 'logits' or 'probabilities', got ${String(output)}`);
  }
  if (normalize) {
    const { mean, std } = normalize;
    if (!Array.isArray(mean) || !Array.isArray(std) || mean.length !== std.length || mean.length === 0) {
      throw new Error('fromPredictModel: normalize.mean and normalize.std must be arrays of the same, non-zero length');
    }
    if (std.some((s) => !(s > 0))) throw new RangeError(`fromPredictModel: normalize.std must be > 0, got [${std.join(', ')}]`);
  }
  return (images: Tensor4D): Tensor2D =>
    tf.tidy(() => {
      let x: Tensor = images;
      if (normalize) {
        const c = images.shape[3];
        if (normalize.mean.length !== 1 && normalize.mean.length !== c) {
          throw new Error(`fromPredictModel: normalize has ${normalize.mean.length} channels but images have ${c}`);
        }
        x = tf.div(tf.sub(images, tf.tensor1d(normalize.mean as number[])), tf.tensor1d(normalize.std as number[]));
      }
      let y = call(x) as Tensor | Tensor[] | Record<string, Tensor>;
      if (Array.isArray(y)) {
        if (y.length !== 1) throw new Error(`fromPredictModel: the model returned ${y.length} outputs; a classifier needs exactly one`);
        y = y[0];
      } else if (!(y instanceof tf.Tensor)) {
        const keys = Object.keys(y ?? {});
        if (keys.length !== 1) throw new Error(`fromPredictModel: the model returned outputs {${keys.join(', ')}}; a classifier needs exactly one`);
        y = (y as Record<string, Tensor>)[keys[0]];
      }
      if (y.rank !== 2) throw new Error(`fromPredictModel: the model must output [batch, classes], got shape [${y.shape.join(', ')}]`);
      const z = tf.cast(y, 'float32') as Tensor2D;
      return output === 'probabilities' ? (tf.log(tf.maximum(z, 1e-30)) as Tensor2D) : z;
    });
}
