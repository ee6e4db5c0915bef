import {
  backend_util,
  Conv2D,
  engine,
  sum,
  type Conv2DAttrs,
  type GradConfig,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type Tensor,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { callKernel, release, zeroFilled } from '../kernel-call.js';
import { kernelSwitches } from './switches.js';
import { simdGemm } from './gemm.js';
import { patchesConv2d, patchesFit } from './im2col.js';
import { sliceStart, type SimdKernels } from './simd-kernels.js';
import { CONV2D_BIAS } from './names.js';
import { kernelsFor, offsetOf } from './state.js';

/** Below this many multiply-adds per thread, waking a helper costs more than it saves. */
const MIN_MACS_PER_THREAD = 1_000_000;
/**
 * Filters from this many weights on (1 MiB) go to XNNPACK when neither Winograd nor the matrix
 * product (1×1 stride 1) takes them: the direct kernel streams the whole filter per output row,
 * and XNNPACK's blocked GEMM wins there (measured before csrc/gemm.c: 1×1 512→2048 at 7×7 15.3 vs
 * 54.9 ms; below it ours is equal or faster). What remains here: strided 1×1 and 3×3 layers.
 */
export const DIRECT_MAX_WEIGHTS = 1 << 18;
/**
 * The two Winograd sizes: transform points per tile, output tile size, tiles per cache block, and
 * their kernels in csrc/winograd.c / csrc/winograd4.c (filter transform, convolution, filter
 * gradient).
 */
export const WINOGRAD = {
  f2: { points: 16, tile: 2, block: 32, filterKernel: 'winograd_filter', convKernel: 'winograd_conv', gradKernel: 'winograd_filter_grad' },
  f4: { points: 36, tile: 4, block: 16, filterKernel: 'winograd4_filter', convKernel: 'winograd4_conv', gradKernel: 'winograd4_filter_grad' },
} as const;
export type WinogradSize = (typeof WINOGRAD)[keyof typeof WINOGRAD];
/** Fewer 4×4 tiles than this: F(2×2, 3×3) (F(4×4)'s filter transform writes 36·Ci·Co values per call). */
const WINOGRAD4_MIN_TILES = 32;

export interface ConvProblem {
  n: number;
  h: number;
  w: number;
  ci: number;
  oh: number;
  ow: number;
  co: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  top: number;
  left: number;
}

/** The geometry arguments of the direct kernels (csrc/conv2d.c, filter-grad.c), named as in C. */
export function convGeometry(p: ConvProblem) {
  return { H: p.h, W: p.w, Ci: p.ci, OH: p.oh, OW: p.ow, Co: p.co, KH: p.kh, KW: p.kw, sh: p.sh, sw: p.sw, top: p.top, left: p.left };
}

/**
 * Whether csrc/winograd.c computes this convolution: 3×3, stride 1, channels in whole vectors, and
 * enough 2×2 output tiles to pay for transforming the filter (16·Ci·Co values per call) — small
 * maps with many channels (ResNet's last stage at batch 1) stay with the direct kernel.
 */
export function winogradFits(p: ConvProblem): boolean {
  if (!kernelSwitches.current.winograd) return false;
  const tiles = p.n * Math.ceil(p.oh / 2) * Math.ceil(p.ow / 2);
  return p.kh === 3 && p.kw === 3 && p.sh === 1 && p.sw === 1 && p.ci % 4 === 0 && p.co % 8 === 0 && tiles >= 64 && p.oh >= 4 && p.ow >= 4;
}

/**
 * Whether a convolution is a plain matrix product for csrc/gemm.c: 1×1, stride 1, no padding, output
 * channels in whole 8-wide panels.
 */
export function gemmFits(p: ConvProblem): boolean {
  return p.kh === 1 && p.kw === 1 && p.sh === 1 && p.sw === 1 && p.top === 0 && p.left === 0 && p.oh === p.h && p.ow === p.w && p.co % 8 === 0 && kernelSwitches.current.gemm;
}

/** The Winograd size for a convolution {@link winogradFits} takes. */
export function winogradSize(p: ConvProblem): WinogradSize {
  return winograd4Fits(p) ? WINOGRAD.f4 : WINOGRAD.f2;
}

/**
 * Whether csrc/winograd4.c's F(4×4, 3×3) computes this convolution instead of F(2×2, 3×3): where
 * Winograd fits and there are enough 4×4 tiles to pay for the larger filter transform
 * (36·Ci·Co values per call).
 */
export function winograd4Fits(p: ConvProblem): boolean {
  if (!winogradFits(p) || !kernelSwitches.current.winograd4) return false;
  const tiles = p.n * Math.ceil(p.oh / 4) * Math.ceil(p.ow / 4);
  return tiles >= WINOGRAD4_MIN_TILES;
}

/**
 * NHWC float32 convolution `y = conv(x, filter)` (filter HWIO, zero padding top/left, dilation 1)
 * by our kernels: a matrix product for 1×1 stride 1 ({@link gemmFits}, csrc/gemm.c), Winograd
 * F(4×4, 3×3) or F(2×2, 3×3) where it fits ({@link winograd4Fits}, {@link winogradFits}), else the
 * direct csrc/conv2d.c. `filterLayout: 'flipped'` (Winograd only): `filter` is a forward filter
 * `[3, 3, co, ci]` to be used flipped in space and transposed — the input gradient's convolution.
 * Returns a new tensor `[n, oh, ow, co]`.
 */
export function simdConv2d(
  kernels: SimdKernels,
  backend: BackendWasm,
  x: TensorInfo,
  filter: TensorInfo,
  p: ConvProblem,
  filterLayout: 'forward' | 'flipped' = 'forward',
  bias: TensorInfo | null = null,
): TensorInfo {
  if (filterLayout === 'flipped' && !winogradFits(p)) throw new Error('simdConv2d: a flipped filter is only for the Winograd path');
  if (filterLayout === 'forward' && gemmFits(p)) {
    return simdGemm(kernels, backend, { tensor: x, transposed: false }, { tensor: filter, transposed: false }, p.n * p.h * p.w, p.co, p.ci, [p.n, p.oh, p.ow, p.co], bias);
  }
  const macs = p.n * p.oh * p.ow * p.co * p.kh * p.kw * p.ci;
  if (macs === 0) return backend.makeOutput([p.n, p.oh, p.ow, p.co], 'float32');
  if (winogradFits(p)) return winogradConv2d(kernels, backend, x, filter, p, filterLayout, bias, macs);
  if (p.kh * p.kw * p.ci * p.co >= DIRECT_MAX_WEIGHTS && patchesFit(p)) {
    // Large filters: patches × filter as one packed product (the direct kernel would stream the
    // whole filter per output row). Smaller ones measured as fast or faster direct.
    return patchesConv2d(kernels, backend, x, filter, p, bias);
  }
  const out = backend.makeOutput([p.n, p.oh, p.ow, p.co], 'float32');
  const rows = p.n * p.oh;
  const threads = kernels.threadsFor(rows, macs, MIN_MACS_PER_THREAD);
  const zeros = zeroFilled(backend, [p.ci]); // read for taps off the image's edge
  const [xAt, wAt, yAt, zAt] = [offsetOf(backend, x), offsetOf(backend, filter), offsetOf(backend, out), offsetOf(backend, zeros)];
  const r = sliceStart(rows, threads);
  const bAt = bias ? offsetOf(backend, bias) : 0;
  const geometry = convGeometry(p);
  kernels.parallel('conv2d', threads, (k) => ({ x: xAt, w: wAt, y: yAt, r0: r(k), r1: r(k + 1), ...geometry, zeros: zAt, bias: bAt }));
  release(backend, zeros);
  return out;
}

/** {@link simdConv2d} by Winograd: the filter transformed into U, then the tiles. */
function winogradConv2d(
  kernels: SimdKernels,
  backend: BackendWasm,
  x: TensorInfo,
  filter: TensorInfo,
  p: ConvProblem,
  filterLayout: 'forward' | 'flipped',
  bias: TensorInfo | null,
  macs: number,
): TensorInfo {
  const { points, tile, block, filterKernel, convKernel } = winogradSize(p);
  const out = backend.makeOutput([p.n, p.oh, p.ow, p.co], 'float32');
  const tiles = p.n * Math.ceil(p.oh / tile) * Math.ceil(p.ow / tile);
  const threads = kernels.threadsFor(tiles, macs, MIN_MACS_PER_THREAD);
  const scratchFloats = points * block * (p.ci + p.co);
  const u = backend.makeOutput([points * p.ci * p.co], 'float32');
  const scratch = backend.makeOutput([threads * scratchFloats], 'float32');
  const [wAt, xAt, uAt, yAt, sAt] = [filter, x, u, out, scratch].map((t) => offsetOf(backend, t));
  const c = sliceStart(p.ci, threads);
  kernels.parallel(filterKernel, threads, (k) => ({ w: wAt, u: uAt, Ci: p.ci, Co: p.co, ci0: c(k), ci1: c(k + 1), flipped: filterLayout === 'flipped' ? 1 : 0 }));
  const t = sliceStart(tiles, threads);
  const bAt = bias ? offsetOf(backend, bias) : 0;
  kernels.parallel(convKernel, threads, (k) => ({ x: xAt, u: uAt, y: yAt, t0: t(k), t1: t(k + 1), H: p.h, W: p.w, Ci: p.ci, OH: p.oh, OW: p.ow, Co: p.co, top: p.top, left: p.left, scratch: sAt + 4 * k * scratchFloats, bias: bAt, block }));
  release(backend, u, scratch);
  return out;
}

type Conv2DArgs = { inputs: { x: TensorInfo; filter: TensorInfo }; backend: BackendWasm; attrs: Conv2DAttrs };

/** The problem of an NHWC float32 convolution our kernels take (dilation 1), else null. */
function problemOf(x: TensorInfo, filter: TensorInfo, attrs: Pick<Conv2DAttrs, 'strides' | 'pad' | 'dimRoundingMode' | 'dilations' | 'dataFormat'>): ConvProblem | null {
  const dilations = attrs.dilations ?? 1;
  const dilated = typeof dilations === 'number' ? dilations !== 1 : dilations.some((d) => d !== 1);
  if (dilated || x.dtype !== 'float32' || filter.dtype !== 'float32' || backend_util.convertConv2DDataFormat(attrs.dataFormat ?? 'NHWC') !== 'channelsLast') return null;
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
  return {
    n,
    h,
    w,
    ci,
    oh: info.outHeight,
    ow: info.outWidth,
    co: info.outChannels,
    kh: info.filterHeight,
    kw: info.filterWidth,
    sh: info.strideHeight,
    sw: info.strideWidth,
    top: info.padInfo.top,
    left: info.padInfo.left,
  };
}

/** Whether our kernels should run this problem (else XNNPACK: large filters neither Winograd nor the GEMM takes). */
function oursFit(p: ConvProblem): boolean {
  return winogradFits(p) || gemmFits(p) || patchesFit(p) || p.kh * p.kw * p.ci * p.co < DIRECT_MAX_WEIGHTS;
}

/**
 * `conv2d(x, filter) + bias` as one kernel on wasm (the bias added as the convolution writes its
 * output: no separate pass). Attributes as `Conv2D`'s (NHWC, dilation 1). Gradient: registered
 * by {@link conv2dBiasGradient}.
 */
function conv2dBias(args: { inputs: { x: TensorInfo; filter: TensorInfo; bias: TensorInfo }; backend: BackendWasm; attrs: Conv2DAttrs }): TensorInfo {
  const { backend, attrs } = args;
  const { x, filter, bias } = args.inputs;
  const kernels = kernelsFor(backend);
  const p = problemOf(x, filter, attrs);
  if (kernels != null && p != null && oursFit(p) && bias.dtype === 'float32' && bias.shape.length === 1 && bias.shape[0] === p.co) {
    return simdConv2d(kernels, backend, x, filter, p, 'forward', bias);
  }
  const y = callKernel(backend, 'Conv2D', { x, filter }, attrs as unknown as Record<string, unknown>);
  const out = callKernel(backend, 'Add', { a: y, b: bias });
  release(backend, y);
  return out;
}

export const conv2dBiasConfig: KernelConfig = {
  kernelName: CONV2D_BIAS,
  backendName: 'wasm',
  kernelFunc: conv2dBias as unknown as KernelFunc,
};

/** The gradient of {@link CONV2D_BIAS}: each input's part computed only when asked for. */
export const conv2dBiasGradient: GradConfig = {
  kernelName: CONV2D_BIAS,
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [x, filter] = saved;
    const g = dy as Tensor;
    const a = attrs as unknown as Conv2DAttrs;
    const common = { strides: a.strides, pad: a.pad, dataFormat: 'NHWC', dimRoundingMode: a.dimRoundingMode } as unknown as NamedAttrMap;
    return {
      x: () => engine().runKernel('Conv2DBackpropInput', { dy: g, filter }, { ...common, inputShape: x.shape }) as Tensor,
      filter: () => engine().runKernel('Conv2DBackpropFilter', { x, dy: g }, { ...common, filterShape: filter.shape }) as Tensor,
      bias: () => sum(g, [0, 1, 2]),
    };
  },
};

/**
 * `Conv2D` on wasm by our kernels ({@link simdConv2d}) for float32 NHWC with dilation 1; anything
 * else goes to tfjs' own kernel (XNNPACK), which stays registered as the fallback.
 */
export function conv2dWithSimd(original: KernelConfig): KernelConfig {
  const fallback = original.kernelFunc as unknown as (args: Conv2DArgs) => TensorInfo;
  const kernelFunc = (args: Conv2DArgs): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const { x, filter } = inputs;
    const kernels = kernelsFor(backend);
    const p = kernels != null && kernelSwitches.current.simdConv ? problemOf(x, filter, attrs) : null;
    if (kernels == null || p == null || !oursFit(p)) return fallback(args);
    return simdConv2d(kernels, backend, x, filter, p);
  };
  return { ...original, kernelName: Conv2D, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}
