import {
  backend_util,
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { callKernel, release, zeroFilled } from './kernel-call.js';
import { DIRECT_MAX_WEIGHTS, gemmFits, simdConv2d, winogradFits, type ConvProblem } from './simd/conv2d.js';
import { simdGemm } from './simd/gemm.js';
import { sliceStart, type SimdKernels } from './simd/simd-kernels.js';
import { kernelsFor, offsetOf } from './simd/state.js';

/** Below this many multiply-adds per thread, waking a helper costs more than it saves. */
const MIN_MACS_PER_THREAD = 1_000_000;

/**
 * A fast `Conv2DBackpropInput` for wasm (the stock one is a plain loop, 2–5 GFLOP/s). Normally our
 * SIMD transposed convolution (csrc/conv2d-transpose.c: any stride, nothing spread or flipped).
 * Where that cannot run: a stride-1 convolution, through the `Conv2D` kernel, of dy with the filter
 * flipped in space and transposed to `[KH, KW, Co, Ci]`:
 *
 * dx[n, h, w, ci] = Σ dy[n, oh, ow, co] · W[kh, kw, ci, co] over h = oh·s + kh − top
 *
 * For stride s > 1, dy is first spread out with s − 1 zeros between its pixels. Padding of the
 * stride-1 convolution: (K − 1 − top) before and (H + top − ((OH − 1)·s + 1)) after; negative
 * amounts (only with unusual explicit paddings) crop instead.
 */
function conv2DBackpropInput(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: BackendWasm;
  attrs: Conv2DBackpropInputAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
  if (backend_util.convertConv2DDataFormat(dataFormat) !== 'channelsLast') {
    throw new Error(`wasm Conv2DBackpropInput supports only NHWC data, got dataFormat '${dataFormat}'`);
  }
  const info = backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  const [n, h, w] = inputShape;
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, outHeight: oh, outWidth: ow } = info;
  const co = info.outChannels;
  if (dy.shape[0] !== n || dy.shape[1] !== oh || dy.shape[2] !== ow || dy.shape[3] !== co) {
    throw new Error(`wasm Conv2DBackpropInput: dy has shape [${dy.shape}], expected [${[n, oh, ow, co]}]`);
  }
  const kernels = kernelsFor(backend);
  const simd = kernels != null && dy.dtype === 'float32' && filter.dtype === 'float32';
  // Stride 1: the input gradient is the convolution of dy with the filter flipped and transposed
  // (padding K − 1 − top), which Winograd computes with 2.25× fewer multiplications.
  const asConv: ConvProblem = {
    n,
    h: oh,
    w: ow,
    ci: co,
    oh: h,
    ow: w,
    co: inputShape[3],
    kh,
    kw,
    sh: 1,
    sw: 1,
    top: kh - 1 - info.padInfo.top,
    left: kw - 1 - info.padInfo.left,
  };
  const ci = inputShape[3];
  // 1×1: dx = dy · Wᵀ (strided: at the pixels the forward pass read), one matrix product — dy's
  // stride-1, unpadded 1×1 convolution with Wᵀ.
  if (simd && gemmFits({ ...asConv, oh, ow, top: 0, left: 0 })) {
    const g = simdGemm(kernels!, backend, { tensor: dy, transposed: false }, { tensor: filter, transposed: true }, n * oh * ow, ci, co, [n, oh, ow, ci]);
    return placeStrided(backend, g, [n, h, w, ci], sh, sw, info.padInfo.top, info.padInfo.left);
  }
  if (simd && sh === 1 && sw === 1 && asConv.top >= 0 && asConv.left >= 0 && winogradFits(asConv)) {
    return simdConv2d(kernels!, backend, dy, filter, asConv, 'flipped');
  }
  if (simd && ci <= 4 && kh * kw > 1) {
    // Few input channels (an image's RGB: the stem's input gradient, which adversarial attacks
    // need): dy · Wᵀ for all taps at once, then each dx value gathers its taps (csrc/gemm.c col2im).
    // The direct kernel's 8-channel register tile would run 3/8 empty (384 → 62 ms for ResNet-50's 7×7 stem).
    return inputGradientByColumns(kernels!, backend, dy, filter, [n, h, w, ci], info);
  }
  if (simd && kh * kw * co * ci < DIRECT_MAX_WEIGHTS) {
    const wt = transposeFilter(backend, filter, false); // [KH, KW, Co, Ci]
    const dx = backend.makeOutput([n, h, w, ci], 'float32');
    const zeros = zeroFilled(backend, [co]); // read for taps that miss dy
    const rows = n * h;
    const threads = kernels!.threadsFor(rows, n * oh * ow * kh * kw * ci * co, MIN_MACS_PER_THREAD);
    const r = sliceStart(rows, threads);
    const [dyAt, wtAt, dxAt, zAt] = [dy, wt, dx, zeros].map((t) => offsetOf(backend, t));
    const geometry = { H: h, W: w, Ci: ci, OH: oh, OW: ow, Co: co, KH: kh, KW: kw, sh, sw, top: info.padInfo.top, left: info.padInfo.left };
    if (rows > 0 && w > 0 && ci > 0) kernels!.parallel('conv2d_transpose', threads, (t) => ({ dy: dyAt, wt: wtAt, dx: dxAt, r0: r(t), r1: r(t + 1), ...geometry, zeros: zAt }));
    release(backend, wt, zeros);
    return dx;
  }
  if (kh === 1 && kw === 1 && dy.dtype === 'float32' && filter.dtype === 'float32') {
    // A strided 1×1 convolution's input gradient (ResNet's projection shortcuts): dy · Wᵀ at the
    // pixels the forward pass read, zeros elsewhere — no zeros spread into dy for the convolution
    // to multiply (4× the work at stride 2: 148 → 35 ms for ResNet-50's 1024→2048 shortcut).
    const wt = transposeFilter(backend, filter, false); // [1, 1, Co, Ci]
    const g = callKernel(backend, 'Conv2D', { x: dy, filter: wt }, { strides: [1, 1], dilations: [1, 1], pad: 'valid', dataFormat: 'NHWC', dimRoundingMode: undefined });
    release(backend, wt);
    return placeStrided(backend, g, [n, h, w, ci], sh, sw, info.padInfo.top, info.padInfo.left);
  }
  const hz = (oh - 1) * sh + 1;
  const wz = (ow - 1) * sw + 1;
  const pt = kh - 1 - info.padInfo.top;
  const pb = h + info.padInfo.top - hz;
  const pl = kw - 1 - info.padInfo.left;
  const pr = w + info.padInfo.left - wz;

  const temps: TensorInfo[] = [];
  const flipped = transposeFilter(backend, filter, true); // [KH, KW, Co, Ci]
  temps.push(flipped);

  let src = dy;
  let convPad: number[][] = [
    [0, 0],
    [pt, pb],
    [pl, pr],
    [0, 0],
  ];
  if (sh > 1 || sw > 1 || pt < 0 || pb < 0 || pl < 0 || pr < 0) {
    src = spreadAndPad(backend, dy, sh, sw, pt, pb, pl, pr);
    temps.push(src);
    convPad = [
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ];
  }
  const out = callKernel(
    backend,
    'Conv2D',
    { x: src, filter: flipped },
    { strides: [1, 1], dilations: [1, 1], pad: convPad, dataFormat: 'NHWC', dimRoundingMode: undefined },
  );
  release(backend, ...temps);
  return out;
}

/**
 * `[KH, KW, Ci, Co]` → `[KH, KW, Co, Ci]`, flipped in space when `flip`, in one JavaScript pass on
 * the heap (float32; other dtypes through tfjs' Transpose and Reverse). tfjs' two kernels took
 * ≈ 40 ms for a 2048×512 filter — more than the convolution itself.
 */
function transposeFilter(backend: BackendWasm, filter: TensorInfo, flip: boolean): TensorInfo {
  if (filter.dtype !== 'float32') {
    const t = callKernel(backend, 'Transpose', { x: filter }, { perm: [0, 1, 3, 2] });
    if (!flip) return t;
    const f = callKernel(backend, 'Reverse', { x: t }, { dims: [0, 1] });
    release(backend, t);
    return f;
  }
  const [kh, kw, ci, co] = filter.shape;
  const out = backend.makeOutput([kh, kw, co, ci], 'float32');
  // Views after allocating: allocation may grow (and detach) the heap.
  const src = backend.typedArrayFromHeap(filter) as Float32Array;
  const dst = backend.typedArrayFromHeap(out) as Float32Array;
  const plane = ci * co;
  const B = 32; // 32×32 blocks: both sides of the transpose stay in cache (2048×1024: 22 → 5 ms)
  for (let tap = 0; tap < kh * kw; tap++) {
    const from = (flip ? kh * kw - 1 - tap : tap) * plane; // flipped: (KH−1−i, KW−1−j) for tap (i, j)
    const to = tap * plane;
    for (let c0 = 0; c0 < ci; c0 += B) {
      const c1 = Math.min(c0 + B, ci);
      for (let o0 = 0; o0 < co; o0 += B) {
        const o1 = Math.min(o0 + B, co);
        for (let c = c0; c < c1; c++) {
          let s = from + c * co + o0;
          for (let o = o0; o < o1; o++, s++) dst[to + o * ci + c] = src[s];
        }
      }
    }
  }
  return out;
}

/** Floats of dy · Wᵀ columns held at once by {@link inputGradientByColumns} (32 MiB; tests lower it). */
export const columnBudget = { floats: 1 << 23 };

/**
 * dx of a convolution with `Ci` ≤ 4 input channels: per chunk of images, the columns
 * cols = dy · Wᵀ (every tap's contribution, kh·kw·Ci values per dy pixel, padded to 8) by
 * csrc/gemm.c's matrix product, then csrc/gemm.c's col2im sums into each dx value the taps that reached it.
 */
function inputGradientByColumns(kernels: SimdKernels, backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, shape: number[], info: backend_util.Conv2DInfo): TensorInfo {
  const [n, h, w, ci] = shape;
  const { filterHeight: kh, filterWidth: kw, outHeight: oh, outWidth: ow, outChannels: co, strideHeight: sh, strideWidth: sw } = info;
  const taps = kh * kw * ci;
  const ldc = Math.ceil(taps / 8) * 8;
  // W as [ldc, Co] with zero rows past kh·kw·Ci: the product's columns in whole 8-wide panels.
  const wPadded = zeroFilled(backend, [ldc, co]);
  (backend.typedArrayFromHeap(wPadded) as Float32Array).set(backend.typedArrayFromHeap(filter) as Float32Array);
  const dx = backend.makeOutput(shape, 'float32');
  const perChunk = Math.max(1, Math.floor(columnBudget.floats / (oh * ow * ldc)));
  for (let n0 = 0; n0 < n; n0 += perChunk) {
    const images = Math.min(perChunk, n - n0);
    const cols = simdGemm(kernels, backend, { tensor: dy, transposed: false, offset: n0 * oh * ow * co }, { tensor: wPadded, transposed: true }, images * oh * ow, ldc, co, [images * oh * ow * ldc]);
    const rows = images * h;
    const threads = kernels.threadsFor(rows, rows * w * kh * kw * ci, MIN_MACS_PER_THREAD);
    const r = sliceStart(rows, threads);
    const [cAt, dxAt] = [offsetOf(backend, cols), offsetOf(backend, dx) + 4 * n0 * h * w * ci];
    kernels.parallel('col2im', threads, (t) => ({ cols: cAt, dx: dxAt, r0: r(t), r1: r(t + 1), H: h, W: w, Ci: ci, OH: oh, OW: ow, KH: kh, KW: kw, sh, sw, top: info.padInfo.top, left: info.padInfo.left, ldc }));
    release(backend, cols);
  }
  release(backend, wPadded);
  return dx;
}

/**
 * `g` `[N, OH, OW, C]` placed into zeros of `shape` `[N, H, W, C]`: g[n, i, j] at row i·sh − top,
 * column j·sw − left (those outside dropped). Takes `g` over: returns it as is when it already is
 * that (stride 1, no padding, same size), else releases it.
 */
function placeStrided(backend: BackendWasm, g: TensorInfo, shape: number[], sh: number, sw: number, top: number, left: number): TensorInfo {
  const [n, oh, ow, c] = g.shape;
  const [, h, w] = shape;
  if (sh === 1 && sw === 1 && top === 0 && left === 0 && oh === h && ow === w) return g;
  const out = backend.makeOutput(shape, 'float32');
  // Views after allocation: allocating may grow (and detach) the wasm heap.
  const src = backend.typedArrayFromHeap(g) as Float32Array;
  const dst = backend.typedArrayFromHeap(out) as Float32Array;
  dst.fill(0);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      const r = i * sh - top;
      if (r < 0 || r >= h) continue;
      for (let j = 0; j < ow; j++) {
        const col = j * sw - left;
        if (col < 0 || col >= w) continue;
        const from = ((b * oh + i) * ow + j) * c;
        dst.set(src.subarray(from, from + c), ((b * h + r) * w + col) * c);
      }
    }
  }
  release(backend, g);
  return out;
}

/**
 * dy `[N, OH, OW, C]` → `[N, pt + (OH−1)·sh + 1 + pb, pl + (OW−1)·sw + 1 + pr, C]`, pixels placed
 * every sh rows / sw columns after pt/pl zeros, zeros elsewhere; negative pads crop.
 */
function spreadAndPad(
  backend: BackendWasm,
  dy: TensorInfo,
  sh: number,
  sw: number,
  pt: number,
  pb: number,
  pl: number,
  pr: number,
): TensorInfo {
  const [n, oh, ow, c] = dy.shape;
  const outH = pt + (oh - 1) * sh + 1 + pb;
  const outW = pl + (ow - 1) * sw + 1 + pr;
  const out = backend.makeOutput([n, outH, outW, c], 'float32');
  // Views after allocation: allocating may grow (and detach) the wasm heap.
  const src = backend.typedArrayFromHeap(dy) as Float32Array;
  const dst = backend.typedArrayFromHeap(out) as Float32Array;
  dst.fill(0);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      const r = pt + i * sh;
      if (r < 0 || r >= outH) continue;
      for (let j = 0; j < ow; j++) {
        const col = pl + j * sw;
        if (col < 0 || col >= outW) continue;
        const from = ((b * oh + i) * ow + j) * c;
        dst.set(src.subarray(from, from + c), ((b * outH + r) * outW + col) * c);
      }
    }
  }
  return out;
}

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput as unknown as KernelFunc,
};
