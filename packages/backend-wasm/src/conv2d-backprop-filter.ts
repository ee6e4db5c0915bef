import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { callKernel, release } from './kernel-call.js';
import { simdFilterGradient } from './simd/filter-gradient.js';
import { kernelsFor } from './simd/state.js';

/**
 * `Conv2DBackpropFilter` for wasm (tfjs-backend-wasm 4.22 has none). Normally our SIMD kernel
 * (csrc/filter-grad.c, 2–3× faster: nothing is re-packed); where that cannot run, the XNNPACK
 * `Conv2D` kernel on transposed tensors:
 *
 * dW[kh, kw, ci, co] = Σ_{n, oh, ow} x[n, oh·s + kh − top, ow·s + kw − left, ci] · dy[n, oh, ow, co]
 *
 * is a convolution of x viewed as `[Ci, H, W, N]` (batch = Ci, channels = N) with dy viewed as
 * the filter `[OH, OW, N, Co]`, stride 1 and dilation = the forward stride; its output
 * `[Ci, KH, KW, Co]` is transposed to `[KH, KW, Ci, Co]`. Padding: top/left as in the forward
 * pass; bottom/right chosen so the output is exactly KH × KW (rows the forward pass never read
 * are sliced off first).
 */
function conv2DBackpropFilter(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: BackendWasm;
  attrs: Conv2DBackpropFilterAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  if (backend_util.convertConv2DDataFormat(dataFormat) !== 'channelsLast') {
    throw new Error(`wasm Conv2DBackpropFilter supports only NHWC data, got dataFormat '${dataFormat}'`);
  }
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  const [n, h, w, ci] = x.shape;
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, outHeight: oh, outWidth: ow } = info;
  if (dy.shape[0] !== n || dy.shape[1] !== oh || dy.shape[2] !== ow || dy.shape[3] !== info.outChannels) {
    throw new Error(`wasm Conv2DBackpropFilter: dy has shape [${dy.shape}], expected [${[n, oh, ow, info.outChannels]}]`);
  }
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const simd = kernelsFor(backend);
  if (simd != null && x.dtype === 'float32' && dy.dtype === 'float32') {
    return simdFilterGradient(simd, backend, x, dy, {
      n,
      h,
      w,
      ci,
      oh,
      ow,
      co: info.outChannels,
      kh,
      kw,
      sh,
      sw,
      top,
      left,
    });
  }
  let bottom = (oh - 1) * sh + kh - h - top;
  let right = (ow - 1) * sw + kw - w - left;
  const temps: TensorInfo[] = [];
  let xs = x;
  if (bottom < 0 || right < 0) {
    // The forward pass never read these trailing rows/columns.
    const keepH = bottom < 0 ? h + bottom : h;
    const keepW = right < 0 ? w + right : w;
    xs = callKernel(backend, 'Slice', { x }, { begin: [0, 0, 0, 0], size: [n, keepH, keepW, ci] });
    temps.push(xs);
    bottom = Math.max(bottom, 0);
    right = Math.max(right, 0);
  }
  const xT = callKernel(backend, 'Transpose', { x: xs }, { perm: [3, 1, 2, 0] }); // [Ci, H, W, N]
  const dyT = callKernel(backend, 'Transpose', { x: dy }, { perm: [1, 2, 0, 3] }); // [OH, OW, N, Co]
  temps.push(xT, dyT);
  const conv = callKernel(
    backend,
    'Conv2D',
    { x: xT, filter: dyT },
    {
      strides: [1, 1],
      dilations: [sh, sw],
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dimRoundingMode: undefined,
    },
  ); // [Ci, KH, KW, Co]
  temps.push(conv);
  const out = callKernel(backend, 'Transpose', { x: conv }, { perm: [1, 2, 0, 3] });
  release(backend, ...temps);
  void kw;
  return out;
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as unknown as KernelFunc,
};
