import { backend_util, MaxPoolGrad, type KernelConfig, type KernelFunc, type MaxPoolGradAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * A faster `MaxPoolGrad` for wasm (the stock one takes ≈ 240 ms for a ResNet stem's
 * `[16, 58, 58, 64]` 3×3/2 pool, 30× its forward pass). Each output pixel's gradient goes to the
 * first maximum of its window in row-major scan order — the `cpu` backend's (and TensorFlow's)
 * tie rule, which matters after ReLU where windows often hold equal zeros. Windows are scanned
 * for all channels at once, so memory is read contiguously; sums over overlapping windows run in
 * output order. Pure JavaScript on the wasm heap; single-threaded.
 */
function maxPoolGrad(args: { inputs: { dy: TensorInfo; input: TensorInfo }; backend: BackendWasm; attrs: MaxPoolGradAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, input } = inputs;
  if (input.dtype !== 'float32') throw new Error(`wasm MaxPoolGrad supports float32 only, got ${input.dtype}`);
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const out = backend.makeOutput(input.shape, 'float32');
  // Views after allocating: allocation may grow (and detach) the wasm heap.
  const x = backend.typedArrayFromHeap(input) as Float32Array;
  const g = backend.typedArrayFromHeap(dy) as Float32Array;
  const dx = backend.typedArrayFromHeap(out) as Float32Array;
  dx.fill(0);
  const best = new Float32Array(c);
  const where = new Int32Array(c);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      const r0 = i * sh - top;
      for (let j = 0; j < ow; j++) {
        const c0 = j * sw - left;
        best.fill(-Infinity);
        where.fill(-1);
        for (let u = 0; u < kh; u++) {
          const r = r0 + u;
          if (r < 0 || r >= h) continue;
          for (let v = 0; v < kw; v++) {
            const col = c0 + v;
            if (col < 0 || col >= w) continue;
            const base = ((b * h + r) * w + col) * c;
            for (let k = 0; k < c; k++) {
              const value = x[base + k];
              if (value > best[k]) {
                best[k] = value;
                where[k] = base + k;
              }
            }
          }
        }
        const gBase = ((b * oh + i) * ow + j) * c;
        for (let k = 0; k < c; k++) if (where[k] >= 0) dx[where[k]] += g[gBase + k];
      }
    }
  }
  return out;
}

export const maxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
};
