import { conv2dBias } from '@cnn/backend';
import * as tf from '@tensorflow/tfjs-core';

/*
 * The few primitives whose semantics must equal PyTorch's for weights to move between the two.
 * TF's 'same' padding pads stride-2 convolutions asymmetrically (more at the bottom/right); PyTorch
 * pads symmetrically. So strided ops pad explicitly (tf.pad, then a 'valid' op); only where 'same'
 * is provably identical (stride 1, odd square kernel, padding (k−1)/2) is it used.
 */

/**
 * `nn.Conv2d(stride, padding)` on NHWC: symmetric zero padding of `padding` pixels, given to the
 * convolution as explicit padding — on `tensorflow` (tfjs-node's backward kernels take no explicit
 * padding) as a Pad op then a 'valid' convolution; TF's 'same' would pad a stride-2 convolution
 * asymmetrically — except stride 1 with an odd square kernel and padding (k−1)/2, where TF's
 * 'same' pads exactly that on every side and is used directly.
 * `filter` is `[kh, kw, in, out]`; `bias` `[out]` or undefined. Disposes intermediates.
 */
export function conv2d(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  stride: number,
  padding: number,
  bias?: tf.Tensor1D,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = filter.shape;
    if (stride === 1 && kh === kw && 2 * padding === kh - 1) {
      // Stride 1, odd kernel, padding (k−1)/2: TF's 'same' pads (k−1)/2 on every side too — the same
      // maths without a Pad op (and its Slice in the backward pass).
      return bias ? conv2dBias(x, filter, bias, 1, 'same') : tf.conv2d(x, filter, 1, 'same');
    }
    const pads: tf.backend_util.ExplicitPadding = [
      [0, 0],
      [padding, padding],
      [padding, padding],
      [0, 0],
    ];
    // Explicit padding inside the convolution where every kernel takes it (all but tfjs-node's
    // input gradient): no Pad op, and no Slice in the backward pass (measured: see
    // benchmarks/results/kernel-measurements.md#padding-inside-the-convolution).
    const [input, pad] = padding === 0 ? [x, 'valid' as const] : tf.getBackend() === 'tensorflow' ? [tf.pad(x, pads), 'valid' as const] : [x, pads];
    // conv2dBias: on wasm the bias is added as the convolution writes (no extra pass).
    return bias ? conv2dBias(input, filter, bias, stride, pad) : tf.conv2d(input, filter, stride, pad);
  });
}

/**
 * `nn.MaxPool2d(kernel, stride, padding)` on NHWC: pads with −∞ (PyTorch's implicit padding never
 * wins the max), then a 'valid' max-pool. Disposes intermediates.
 */
export function maxPool2d(x: tf.Tensor4D, kernel: number, stride: number, padding: number): tf.Tensor4D {
  return tf.tidy(() => {
    const padded =
      padding > 0
        ? tf.pad(
            x,
            [
              [0, 0],
              [padding, padding],
              [padding, padding],
              [0, 0],
            ],
            -Infinity,
          )
        : x;
    return tf.maxPool(padded, kernel, stride, 'valid');
  });
}

/** `nn.Linear`: `x [N, in] · W [in, out] + b [out]`. */
export function linear(x: tf.Tensor2D, weight: tf.Tensor2D, bias?: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => {
    const y = tf.matMul(x, weight);
    return (bias ? tf.add(y, bias) : y) as tf.Tensor2D;
  });
}

/** Adaptive average pooling to 1×1, flattened: `[N, H, W, C]` → `[N, C]`. */
export function globalAvgPool(x: tf.Tensor4D): tf.Tensor2D {
  return tf.mean(x, [1, 2]) as tf.Tensor2D;
}

/**
 * akamaster's "option A" shortcut: `F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, p, p))` (NCHW) with
 * `p = (outChannels − inChannels) / 2` (for stride 1 only the channel padding).
 *
 * Done as ONE 1×1 convolution with a constant 0/1 selection filter (stride 2 picks every second
 * pixel, the filter places input channel c at output channel c + p): exact in float32, has a
 * gradient on every backend (StridedSlice has none), and avoids rank-5+ slices (slow on wasm).
 */
export function optionAShortcut(x: tf.Tensor4D, outChannels: number, stride: number): tf.Tensor4D {
  const inChannels = x.shape[3];
  const extra = outChannels - inChannels;
  if (extra < 0 || extra % 2 !== 0) {
    throw new Error(
      `option-A shortcut: cannot pad ${inChannels} channels to ${outChannels} equally on both sides`,
    );
  }
  return tf.tidy(() => {
    const p = extra / 2;
    const select = new Float32Array(inChannels * outChannels);
    for (let c = 0; c < inChannels; c++) select[c * outChannels + c + p] = 1;
    const filter = tf.tensor4d(select, [1, 1, inChannels, outChannels]);
    return tf.conv2d(x, filter, stride, 'valid');
  });
}
