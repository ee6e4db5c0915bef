import { setFlagsFromString } from 'node:v8';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';

import { initBackend, kernelsDetails } from '../test-support/start-backend.js';
import { createRng } from '@cnn/core';
import { startSimdKernels } from '../setup-wasm.js';
import { kernelsFor } from './state.js';
import { maxRelErr } from '@cnn/core/testing';

// Node 20's V8 has relaxed SIMD behind this flag (Node ≥ 22 has it on); set before any module of
// this test process compiles, so both variants of our kernels can be tested here.
if (Number(process.versions.node.split('.')[0]) < 22) setFlagsFromString('--experimental-wasm-relaxed-simd');

/** Restarts our kernels on the running wasm backend (`relaxed`: the fused multiply-add variant). */
async function restartKernels(relaxed: boolean): Promise<void> {
  const backend = tf.backend() as unknown as BackendWasm;
  process.env.CNN_WASM_SIMD_KERNELS = '0';
  await startSimdKernels(backend); // drops the running instance
  delete process.env.CNN_WASM_SIMD_KERNELS;
  if (!relaxed) process.env.CNN_WASM_RELAXED_SIMD = '0';
  try {
    await startSimdKernels(backend);
  } finally {
    delete process.env.CNN_WASM_RELAXED_SIMD;
  }
}

/**
 * The gradients of Σ conv(x, w)² for x and w — every convolution kernel of ours that one shape
 * reaches (forward, input gradient, filter gradient) — and the forward output.
 */
function convGradients(backend: string, shape: { n: number; hw: number; ci: number; co: number; k: number; s: number }) {
  tf.setBackend(backend);
  const rng = createRng(7);
  const { n, hw, ci, co, k, s } = shape;
  const x = tf.tensor4d(Float32Array.from({ length: n * hw * hw * ci }, () => rng.normal()), [n, hw, hw, ci]);
  const w = tf.tensor4d(Float32Array.from({ length: k * k * ci * co }, () => rng.normal() / Math.sqrt(k * k * ci)), [k, k, ci, co]);
  const y = tf.conv2d(x, w, s, 'same');
  const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, 'same'))))([x, w]);
  const out = [y, dx, dw].map((t) => t.dataSync() as Float32Array);
  tf.dispose([x, w, y, dx, dw]);
  return out;
}

// Winograd F(4×4) (≥ 32 4×4 tiles), F(2×2) (fewer), the direct kernels (stride 2, 1×1).
const shapes = [
  { n: 8, hw: 12, ci: 16, co: 24, k: 3, s: 1 },
  { n: 4, hw: 12, ci: 8, co: 16, k: 3, s: 1 },
  { n: 4, hw: 11, ci: 12, co: 20, k: 3, s: 2 },
  { n: 4, hw: 9, ci: 32, co: 16, k: 1, s: 1 },
];

describe('the relaxed-SIMD (fused multiply-add) variant of our kernels', () => {
  it.each(shapes.map((s) => [JSON.stringify(s), s] as const))('and the plain one agree with cpu: %s', async (_, shape) => {
    await initBackend('cpu');
    const want = convGradients('cpu', shape);
    await initBackend('wasm', { wasmThreads: 2 });
    const results: Float32Array[][] = [];
    for (const relaxed of [false, true]) {
      await restartKernels(relaxed);
      expect(kernelsFor(tf.backend() as unknown as BackendWasm)?.relaxed).toBe(relaxed);
      expect(kernelsDetails().includes('fused multiply-add')).toBe(relaxed);
      const before = tf.memory().numTensors;
      results.push(convGradients('wasm', shape));
      expect(tf.memory().numTensors).toBe(before);
    }
    for (const got of results) {
      // Winograd F(4×4)'s float32 rounding (≈ 1e-5 of the largest value) dominates.
      for (let i = 0; i < want.length; i++) expect(maxRelErr(got[i], want[i])).toBeLessThan(1e-4);
    }
    // Two computations, not one variant run twice: fusing changes the rounding.
    expect(results[1].some((r, i) => r.some((v, j) => v !== results[0][i][j]))).toBe(true);
  });
});
