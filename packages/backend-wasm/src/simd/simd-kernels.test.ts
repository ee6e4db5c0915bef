import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';

import { initBackend, kernelsDetails } from '../test-support/start-backend.js';
import { startSimdKernels } from '../setup-wasm.js';
import { sourceFiles, sourceSha256 } from './kernels-wasm.js';
import { backendMemory, kernelsFor, simdKernels } from './state.js';
import { kernelSwitches, withKernelSwitches, type KernelSwitches } from './switches.js';
import { maxRelErr } from '@cnn/core/testing';

describe('our WebAssembly SIMD kernels', () => {
  it('were built from the committed C sources (after editing csrc/, run scripts/build-simd-kernels.sh)', () => {
    const hash = createHash('sha256');
    for (const file of sourceFiles) hash.update(readFileSync(new URL(`../../${file}`, import.meta.url)));
    expect(hash.digest('hex')).toBe(sourceSha256);
  });

  it("run inside the wasm backend's own memory, on as many threads as XNNPACK, and say so", async () => {
    await initBackend('wasm', { wasmThreads: 2 });
    const backend = tf.backend() as unknown as BackendWasm;
    const kernels = kernelsFor(backend);
    expect(kernels).not.toBeNull();
    expect(kernels!.memory).toBe(backendMemory(backend));
    expect(kernels!.threads).toBe(2);
    expect(kernelsDetails()).toMatch(/SIMD kernels on 2 threads/);
  });

  it('Winograd F(4×4, 3×3), F(2×2, 3×3) and the direct convolution agree with cpu on the shapes Winograd takes', async () => {
    const rng = (seed: number, n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 1000 + i * 0.731) * 2);
    // 11×13: partial tiles of both sizes; batch 8: ≥ 4M multiply-adds, so both threads run.
    const x = rng(1, 8 * 11 * 13 * 16);
    const w = rng(2, 3 * 3 * 16 * 24);
    const conv = (backend: string, off: Partial<KernelSwitches> = {}) => {
      tf.setBackend(backend);
      return withKernelSwitches(off, () => {
        const y = tf.conv2d(tf.tensor4d(x, [8, 11, 13, 16]), tf.tensor4d(w, [3, 3, 16, 24]), 1, 'same');
        const out = y.dataSync() as Float32Array;
        tf.dispose(y);
        return out;
      });
    };
    await initBackend('cpu');
    const want = conv('cpu');
    await initBackend('wasm', { wasmThreads: 2 });
    const f4 = conv('wasm');
    const f2 = conv('wasm', { winograd4: false });
    const direct = conv('wasm', { winograd: false });
    const relErr = (a: Float32Array) => maxRelErr(a, want);
    // F(4×4, 3×3)'s transforms scale values by up to 8 and 1/24: ≈ 10× F(2×2)'s rounding error
    // (measured 2.0e-5 here vs 1.3e-6; direct 8e-7), the price of 4× fewer multiplications, as in cuDNN/NNPACK.
    expect(relErr(f4)).toBeLessThan(6e-5);
    expect(relErr(f2)).toBeLessThan(1e-5);
    expect(relErr(direct)).toBeLessThan(1e-5);
    // Three different computations (rounding differs).
    expect(f4).not.toEqual(f2);
    expect(f2).not.toEqual(direct);
  });

  it('the Winograd filter gradients (F(4×4), F(2×2)) and the direct one agree with cpu (channels split 8 + 4 between the threads)', async () => {
    const rng = (seed: number, n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 1000 + i * 0.731) * 2);
    const xShape: [number, number, number, number] = [20, 13, 11, 12]; // ≥ 4M multiply-adds: 2 threads
    const dyShape: [number, number, number, number] = [20, 13, 11, 16];
    const x = rng(3, xShape.reduce((a, b) => a * b));
    const dy = rng(4, dyShape.reduce((a, b) => a * b));
    const grad = (backend: string, off: Partial<KernelSwitches> = {}) => {
      tf.setBackend(backend);
      return withKernelSwitches(off, () => {
        const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 12, 16] } as unknown as tf.NamedAttrMap;
        const [xt, dyt] = [tf.tensor4d(x, xShape), tf.tensor4d(dy, dyShape)];
        const g = tf.engine().runKernel('Conv2DBackpropFilter', { x: xt, dy: dyt }, attrs) as tf.Tensor;
        const out = g.dataSync() as Float32Array;
        tf.dispose([g, xt, dyt]);
        return out;
      });
    };
    await initBackend('cpu');
    const want = grad('cpu');
    await initBackend('wasm', { wasmThreads: 2 });
    const before = tf.memory().numTensors;
    const f4 = grad('wasm');
    const f2 = grad('wasm', { winograd4: false });
    const direct = grad('wasm', { winograd: false });
    expect(tf.memory().numTensors).toBe(before);
    const relErr = (a: Float32Array) => maxRelErr(a, want);
    // Sums over 2,860 (F(2×2)) or 780 (F(4×4)) tiles of transformed values, on smooth data
    // (Winograd's worst case: transformed values large, cancelling): measured F4 1.0e-4, F2 1.3e-5,
    // direct 3.3e-6 (on random normal data of this shape 4e-6, 1e-6, 9e-7) — Winograd's known
    // float32 cost, far below SGD's noise.
    expect(relErr(f4)).toBeLessThan(2e-4);
    expect(relErr(f2)).toBeLessThan(4e-5);
    expect(relErr(direct)).toBeLessThan(1e-5);
    expect(f4).not.toEqual(f2);
    expect(f2).not.toEqual(direct);
  });

  it('can be switched off with CNN_WASM_SIMD_KERNELS=0 (the fallbacks then run) and on again', async () => {
    await initBackend('wasm', { wasmThreads: 2 });
    const backend = tf.backend() as unknown as BackendWasm;
    process.env.CNN_WASM_SIMD_KERNELS = '0';
    try {
      await startSimdKernels(backend);
      expect(simdKernels.current).toBeNull();
      expect(kernelsDetails()).toMatch(/SIMD kernels off \(CNN_WASM_SIMD_KERNELS=0\)/);
      const before = tf.memory().numTensors;
      const x = tf.ones([2, 6, 6, 3]) as tf.Tensor4D;
      const w = tf.ones([3, 3, 3, 4]);
      const g = tf.grad((ww: tf.Tensor) => tf.sum(tf.conv2d(x, ww as tf.Tensor4D, 1, 'same')))(w);
      expect(g.dataSync()[(1 * 3 + 1) * 12]).toBe(2 * 36); // centre tap: every input pixel once
      tf.dispose([x, w, g]);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      delete process.env.CNN_WASM_SIMD_KERNELS;
    }
    await startSimdKernels(backend);
    expect(kernelsFor(backend)?.threads).toBe(2);
  });

  it('read the CNN_WASM_* path switches once, when they start: a later change of the environment has no effect', async () => {
    await initBackend('wasm', { wasmThreads: 2 });
    const backend = tf.backend() as unknown as BackendWasm;
    const x = tf.tensor4d(Float32Array.from({ length: 8 * 11 * 13 * 16 }, (_, i) => Math.sin(i * 0.731)), [8, 11, 13, 16]);
    const w = tf.tensor4d(Float32Array.from({ length: 3 * 3 * 16 * 24 }, (_, i) => Math.cos(i * 0.377)), [3, 3, 16, 24]);
    const run = () => {
      const y = tf.conv2d(x, w, 1, 'same');
      const out = y.dataSync().slice();
      y.dispose();
      return out;
    };
    const started = run();
    process.env.CNN_WASM_WINOGRAD4 = '0';
    try {
      expect(kernelSwitches.current.winograd4).toBe(true);
      expect(run()).toEqual(started); // same path, bit for bit
      await startSimdKernels(backend); // a (re)start reads them again

      expect(kernelSwitches.current.winograd4).toBe(false);
      expect(run()).not.toEqual(started); // F(2×2) rounds differently
    } finally {
      delete process.env.CNN_WASM_WINOGRAD4;
      await startSimdKernels(backend);
      tf.dispose([x, w]);
    }
    expect(kernelSwitches.current.winograd4).toBe(true);
  });
});
