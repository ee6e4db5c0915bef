import {
  backend_util,
  Conv2D,
  type Conv2DAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { kernelsFor, offsetOf } from './state.js';

/** Below this many multiply-adds per thread, waking a helper costs more than it saves. */
const MIN_MACS_PER_THREAD = 1_000_000;

type Conv2DArgs = { inputs: { x: TensorInfo; filter: TensorInfo }; backend: BackendWasm; attrs: Conv2DAttrs };

/**
 * `Conv2D` on wasm by csrc/conv2d.c (≈ 25% faster than XNNPACK here, and no operator to create
 * and filter to pack per new filter, which every training step and every input gradient has),
 * for float32 NHWC with dilation 1; anything else goes to tfjs' own kernel.
 */
export function conv2dWithSimd(original: KernelConfig): KernelConfig {
  const fallback = original.kernelFunc as unknown as (args: Conv2DArgs) => TensorInfo;
  const kernelFunc = (args: Conv2DArgs): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const { x, filter } = inputs;
    const kernels = kernelsFor(backend);
    const dilations = attrs.dilations ?? 1;
    const dilated = typeof dilations === 'number' ? dilations !== 1 : dilations.some((d) => d !== 1);
    if (kernels == null || process.env.CNN_WASM_SIMD_CONV === '0' || dilated || x.dtype !== 'float32' || filter.dtype !== 'float32' || backend_util.convertConv2DDataFormat(attrs.dataFormat) !== 'channelsLast') {
      return fallback(args);
    }
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      'channelsLast',
    );
    const [n, h, w, ci] = x.shape;
    const { outHeight: oh, outWidth: ow, outChannels: co, filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
    const out = backend.makeOutput([n, oh, ow, co], 'float32');
    const rows = n * oh;
    if (rows === 0 || ow === 0 || co === 0) return out;
    const macs = rows * ow * co * kh * kw * ci;
    const threads = Math.max(1, Math.min(kernels.threads, rows, Math.floor(macs / MIN_MACS_PER_THREAD)));
    const zeros = backend.makeOutput([ci], 'float32'); // read for taps off the image's edge
    (backend.typedArrayFromHeap(zeros) as Float32Array).fill(0);
    const [xAt, wAt, yAt, zAt] = [offsetOf(backend, x), offsetOf(backend, filter), offsetOf(backend, out), offsetOf(backend, zeros)];
    const dims = [h, w, ci, oh, ow, co, kh, kw, sh, sw, info.padInfo.top, info.padInfo.left];
    const r = (t: number) => Math.round((rows * t) / threads);
    kernels.parallel('conv2d', threads, (t) => [xAt, wAt, yAt, r(t), r(t + 1), ...dims, zAt]);
    backend.disposeData(zeros.dataId);
    return out;
  };
  return { ...original, kernelName: Conv2D, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}
