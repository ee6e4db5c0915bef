import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './test-support/start-backend.js';
import { createRng } from '@cnn/core';
import { columnBudget } from './conv2d-backprop-input.js';
import { patchBudget } from './simd/im2col.js';
import { simdKernels } from './simd/state.js';
import { maxRelErr } from '@cnn/core/testing';

type Pad = 'same' | 'valid' | number[][];

interface Case {
  n: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  k: [number, number];
  s: [number, number];
  pad: Pad;
}

const cases: Case[] = [];
for (const s of [1, 2] as const) {
  for (const pad of ['same', 'valid', [[0, 0], [1, 1], [1, 1], [0, 0]], [[0, 0], [2, 0], [0, 1], [0, 0]]] as Pad[]) {
    for (const [n, h, w] of [
      [1, 7, 7],
      [3, 8, 9],
    ]) {
      cases.push({ n, h, w, ci: 3, co: 5, k: [3, 3], s: [s, s], pad });
    }
  }
}
// Odd extras: 1×1 stride-2 projections, non-square kernels and strides, 5×5 at odd sizes,
// explicit padding larger than the kernel needs (the negative-pad paths).
cases.push({ n: 2, h: 9, w: 9, ci: 4, co: 6, k: [1, 1], s: [2, 2], pad: 'valid' });
cases.push({ n: 2, h: 9, w: 8, ci: 4, co: 6, k: [1, 1], s: [2, 3], pad: [[0, 0], [1, 0], [0, 2], [0, 0]] });
cases.push({ n: 2, h: 11, w: 6, ci: 2, co: 3, k: [3, 2], s: [2, 1], pad: 'same' });
cases.push({ n: 1, h: 13, w: 13, ci: 3, co: 4, k: [5, 5], s: [2, 2], pad: 'same' });
cases.push({ n: 2, h: 6, w: 5, ci: 3, co: 2, k: [2, 2], s: [1, 1], pad: [[0, 0], [3, 2], [2, 3], [0, 0]] });
cases.push({ n: 2, h: 10, w: 10, ci: 3, co: 2, k: [3, 3], s: [3, 3], pad: 'valid' });
cases.push({ n: 4, h: 16, w: 16, ci: 16, co: 32, k: [3, 3], s: [2, 2], pad: [[0, 0], [1, 1], [1, 1], [0, 0]] });
// Big enough for the SIMD filter gradient's helper thread (≥ 2M multiply-adds), odd channel
// counts (vector and scalar tails), an odd batch split unevenly between the threads.
cases.push({ n: 7, h: 16, w: 15, ci: 13, co: 22, k: [3, 3], s: [1, 1], pad: 'same' });
cases.push({ n: 5, h: 17, w: 17, ci: 8, co: 16, k: [3, 3], s: [2, 2], pad: [[0, 0], [1, 1], [1, 1], [0, 0]] });
// Winograd F(2×2, 3×3) shapes (3×3, stride 1, channels multiples of 8): odd sizes (partial tiles),
// 'valid', asymmetric explicit padding, enough work for the helper thread.
// (≥ 64 output tiles each: fewer stay with the direct kernel.)
cases.push({ n: 8, h: 7, w: 9, ci: 8, co: 16, k: [3, 3], s: [1, 1], pad: 'same' });
cases.push({ n: 6, h: 8, w: 10, ci: 16, co: 8, k: [3, 3], s: [1, 1], pad: 'valid' });
cases.push({ n: 6, h: 8, w: 7, ci: 8, co: 8, k: [3, 3], s: [1, 1], pad: [[0, 0], [2, 0], [0, 1], [0, 0]] });
cases.push({ n: 16, h: 16, w: 16, ci: 16, co: 24, k: [3, 3], s: [1, 1], pad: 'same' });
// 1×1, stride 1: csrc/gemm.c's matrix products — pixel counts not a multiple of 4, several K and N
// blocks (K, N > 256; the filter gradient's 264 rows give each thread > 128: two M blocks), and a
// strided one (product, then placed).
cases.push({ n: 3, h: 7, w: 5, ci: 24, co: 16, k: [1, 1], s: [1, 1], pad: 'valid' });
cases.push({ n: 1, h: 9, w: 15, ci: 264, co: 264, k: [1, 1], s: [1, 1], pad: 'same' }); // 135 pixels: ≈ 9M multiply-adds, 2 threads
cases.push({ n: 2, h: 9, w: 8, ci: 8, co: 16, k: [1, 1], s: [2, 2], pad: 'valid' });
// Not Winograd nor a plain 1×1 product, ≥ 128 output channels or ≤ 4 input channels: the filter
// gradient as patches(x)ᵀ · dy (the forward pass too when the filter is large: see the chunked
// test below).
cases.push({ n: 3, h: 9, w: 11, ci: 12, co: 136, k: [1, 1], s: [2, 2], pad: 'valid' });
cases.push({ n: 2, h: 12, w: 10, ci: 3, co: 32, k: [7, 7], s: [2, 2], pad: 'same' });
// Images too big for one cache block in the filter gradient (rows processed a few at a time).
const filterGradientCases: Case[] = [
  ...cases,
  { n: 1, h: 24, w: 24, ci: 64, co: 512, k: [1, 1], s: [1, 1], pad: 'valid' },
  { n: 1, h: 33, w: 33, ci: 32, co: 256, k: [3, 3], s: [2, 2], pad: [[0, 0], [1, 1], [1, 1], [0, 0]] },
];

function randomArray(size: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: size }, () => rng.normal());
}

function name(c: Case): string {
  return `x=[${c.n},${c.h},${c.w},${c.ci}] k=${c.k.join('x')} co=${c.co} s=${c.s.join(',')} pad=${JSON.stringify(c.pad)}`;
}

/** Runs a kernel on `backend` with fresh inputs there; returns values and shape; disposes everything. */
function run(backend: string, kernel: string, inputs: Record<string, [Float32Array, number[]]>, attrs: object) {
  tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const ins = Object.fromEntries(Object.entries(inputs).map(([k, [v, s]]) => [k, tf.tensor(v, s)]));
  const out = tf.engine().runKernel(kernel, ins, attrs as tf.NamedAttrMap) as tf.Tensor;
  const result = { values: out.dataSync() as Float32Array, shape: out.shape };
  tf.dispose([out, ...Object.values(ins)]);
  expect(tf.memory().numTensors).toBe(before);
  return result;
}

const filterPaths = ['SIMD kernel', 'XNNPACK convolution'] as const;

describe('wasm convolution kernels (forward and gradients) match cpu', () => {
  beforeAll(async () => {
    await initBackend('cpu');
    await initBackend('wasm');
  });

  it.each(filterPaths.flatMap((path) => filterGradientCases.map((c) => [path, name(c), c] as const)))('Conv2DBackpropFilter (%s) %s', (path, _, c) => {
    const info = tf.backend_util.computeConv2DInfo([c.n, c.h, c.w, c.ci], [...c.k, c.ci, c.co], c.s, 1, c.pad as 'same');
    const dyShape = info.outShape;
    const x: [Float32Array, number[]] = [randomArray(c.n * c.h * c.w * c.ci, 1), [c.n, c.h, c.w, c.ci]];
    const dy: [Float32Array, number[]] = [randomArray(dyShape.reduce((a, b) => a * b, 1), 2), dyShape];
    const attrs = { strides: c.s, pad: c.pad, dataFormat: 'NHWC', filterShape: [...c.k, c.ci, c.co] };
    const want = run('cpu', 'Conv2DBackpropFilter', { x, dy }, attrs);
    const simd = simdKernels.current;
    expect(simd, 'the SIMD kernel runs here (Node, WebAssembly SIMD)').not.toBeNull();
    if (path === 'XNNPACK convolution') simdKernels.current = null;
    let got: ReturnType<typeof run>;
    try {
      got = run('wasm', 'Conv2DBackpropFilter', { x, dy }, attrs);
    } finally {
      simdKernels.current = simd;
    }
    expect(got.shape, name(c)).toEqual(want.shape);
    expect(maxRelErr(got.values, want.values), name(c)).toBeLessThan(1e-5);
  });

  it.each(filterPaths.flatMap((path) => cases.map((c) => [path, name(c), c] as const)))('Conv2D forward (%s) %s', (path, _, c) => {
    const x: [Float32Array, number[]] = [randomArray(c.n * c.h * c.w * c.ci, 5), [c.n, c.h, c.w, c.ci]];
    const filter: [Float32Array, number[]] = [randomArray(c.k[0] * c.k[1] * c.ci * c.co, 6), [...c.k, c.ci, c.co]];
    const attrs = { strides: c.s, pad: c.pad, dataFormat: 'NHWC', dilations: [1, 1] };
    const want = run('cpu', 'Conv2D', { x, filter }, attrs);
    const simd = simdKernels.current;
    if (path === 'XNNPACK convolution') simdKernels.current = null;
    let got: ReturnType<typeof run>;
    try {
      got = run('wasm', 'Conv2D', { x, filter }, attrs);
    } finally {
      simdKernels.current = simd;
    }
    expect(got.shape, name(c)).toEqual(want.shape);
    expect(maxRelErr(got.values, want.values), name(c)).toBeLessThan(1e-5);
  });

  it('Conv2D with dilation 2 (not ours: tfjs-backend-wasm computes it) matches cpu', () => {
    const x: [Float32Array, number[]] = [randomArray(2 * 9 * 9 * 3, 7), [2, 9, 9, 3]];
    const filter: [Float32Array, number[]] = [randomArray(3 * 3 * 3 * 4, 8), [3, 3, 3, 4]];
    const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [2, 2] };
    const want = run('cpu', 'Conv2D', { x, filter }, attrs);
    const got = run('wasm', 'Conv2D', { x, filter }, attrs);
    expect(maxRelErr(got.values, want.values)).toBeLessThan(1e-5);
  });

  it.each(filterPaths.flatMap((path) => cases.map((c) => [path, name(c), c] as const)))('Conv2DBackpropInput (%s convolution inside) %s', (path, _, c) => {
    const info = tf.backend_util.computeConv2DInfo([c.n, c.h, c.w, c.ci], [...c.k, c.ci, c.co], c.s, 1, c.pad as 'same');
    const dyShape = info.outShape;
    const dy: [Float32Array, number[]] = [randomArray(dyShape.reduce((a, b) => a * b, 1), 3), dyShape];
    const filter: [Float32Array, number[]] = [randomArray(c.k[0] * c.k[1] * c.ci * c.co, 4), [...c.k, c.ci, c.co]];
    const attrs = { strides: c.s, pad: c.pad, dataFormat: 'NHWC', inputShape: [c.n, c.h, c.w, c.ci] };
    const want = run('cpu', 'Conv2DBackpropInput', { dy, filter }, attrs);
    const simd = simdKernels.current;
    if (path === 'XNNPACK convolution') simdKernels.current = null;
    let got: ReturnType<typeof run>;
    try {
      got = run('wasm', 'Conv2DBackpropInput', { dy, filter }, attrs);
    } finally {
      simdKernels.current = simd;
    }
    expect(got.shape, name(c)).toEqual(want.shape);
    expect(maxRelErr(got.values, want.values), name(c)).toBeLessThan(1e-5);
  });

  it('Conv2DBackpropInput with 3 input channels, one image per chunk of columns, matches cpu', () => {
    const c: Case = { n: 3, h: 13, w: 11, ci: 3, co: 16, k: [7, 7], s: [2, 2], pad: 'same' };
    const info = tf.backend_util.computeConv2DInfo([c.n, c.h, c.w, c.ci], [...c.k, c.ci, c.co], c.s, 1, c.pad as 'same');
    const dy: [Float32Array, number[]] = [randomArray(info.outShape.reduce((a, b) => a * b, 1), 8), info.outShape];
    const filter: [Float32Array, number[]] = [randomArray(c.k[0] * c.k[1] * c.ci * c.co, 9), [...c.k, c.ci, c.co]];
    const attrs = { strides: c.s, pad: c.pad, dataFormat: 'NHWC', inputShape: [c.n, c.h, c.w, c.ci] };
    const want = run('cpu', 'Conv2DBackpropInput', { dy, filter }, attrs);
    const budget = columnBudget.floats;
    columnBudget.floats = 7 * 6 * 152; // one image's columns (7×6 dy pixels × 152)
    let got: ReturnType<typeof run>;
    try {
      got = run('wasm', 'Conv2DBackpropInput', { dy, filter }, attrs);
    } finally {
      columnBudget.floats = budget;
    }
    expect(maxRelErr(got.values, want.values)).toBeLessThan(1e-5);
  });

  it('Conv2D and Conv2DBackpropFilter as patches × filter in several chunks of patch rows match cpu', () => {
    const c: Case = { n: 2, h: 7, w: 6, ci: 128, co: 256, k: [3, 3], s: [2, 2], pad: 'same' }; // 295K weights: patches
    const info = tf.backend_util.computeConv2DInfo([c.n, c.h, c.w, c.ci], [...c.k, c.ci, c.co], c.s, 1, c.pad as 'same');
    const x: [Float32Array, number[]] = [randomArray(c.n * c.h * c.w * c.ci, 10), [c.n, c.h, c.w, c.ci]];
    const filter: [Float32Array, number[]] = [randomArray(c.k[0] * c.k[1] * c.ci * c.co, 11), [...c.k, c.ci, c.co]];
    const dy: [Float32Array, number[]] = [randomArray(info.outShape.reduce((a, b) => a * b, 1), 12), info.outShape];
    const forward = { strides: c.s, pad: c.pad, dataFormat: 'NHWC', dilations: [1, 1] };
    const backward = { strides: c.s, pad: c.pad, dataFormat: 'NHWC', filterShape: [...c.k, c.ci, c.co] };
    const want = [run('cpu', 'Conv2D', { x, filter }, forward), run('cpu', 'Conv2DBackpropFilter', { x, dy }, backward)];
    const budget = patchBudget.floats;
    patchBudget.floats = 5 * 9 * 128; // 5 output pixels' patches per chunk: 24 pixels in 5 chunks
    let got: ReturnType<typeof run>[];
    try {
      got = [run('wasm', 'Conv2D', { x, filter }, forward), run('wasm', 'Conv2DBackpropFilter', { x, dy }, backward)];
    } finally {
      patchBudget.floats = budget;
    }
    for (let i = 0; i < 2; i++) expect(maxRelErr(got[i].values, want[i].values)).toBeLessThan(1e-5);
  });

  it('rejects a dy of the wrong shape with a clear error', () => {
    tf.setBackend('wasm');
    const x = tf.zeros([1, 5, 5, 2]);
    const dy = tf.zeros([1, 4, 4, 3]);
    expect(() =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 2, 3] }),
    ).toThrow(/dy has shape \[1,4,4,3\], expected \[1,5,5,3\]/);
    tf.dispose([x, dy]);
  });
});
