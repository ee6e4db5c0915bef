import { Slice, slice_util, type KernelConfig, type KernelFunc, type SliceAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type SliceArgs = { inputs: { x: TensorInfo }; backend: BackendWasm; attrs: SliceAttrs };

/**
 * `Slice` on wasm as block copies of the contiguous runs (`TypedArray.copyWithin` on the heap):
 * tfjs-backend-wasm 4.22 copies element by element (88 ms for the gradient of ResNet-50's stem
 * padding, [8, 114, 114, 64] → [8, 112, 112, 64]; ≈ 3 ms this way). Other dtypes, and `string`,
 * go to tfjs' own kernel.
 */
export function sliceWithBlockCopies(original: KernelConfig): KernelConfig {
  const fallback = original.kernelFunc as unknown as (args: SliceArgs) => TensorInfo;
  const kernelFunc = (args: SliceArgs): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs;
    if (x.dtype !== 'float32' && x.dtype !== 'int32') return fallback(args);
    const [begin, size] = slice_util.parseSliceParams(x as never, attrs.begin, attrs.size);
    slice_util.assertParamsValid(x as never, begin, size);
    const out = backend.makeOutput(size, x.dtype);
    const total = size.reduce((a, b) => a * b, 1);
    if (total === 0) return out;
    const rank = x.shape.length;
    // Innermost axes copied whole: from the end, every axis taken in full, plus the first partial one.
    let run = 1;
    let axis = rank - 1;
    while (axis >= 0) {
      run *= size[axis];
      if (size[axis] !== x.shape[axis]) break;
      axis--;
    }
    const outer = axis; // axes 0..outer-1 are iterated; axis `outer` is inside the run
    const strides = new Array<number>(rank);
    strides[rank - 1] = 1;
    for (let i = rank - 2; i >= 0; i--) strides[i] = strides[i + 1] * x.shape[i + 1];
    // Views after allocating: allocation may grow (and detach) the heap.
    const src = backend.typedArrayFromHeap(x) as Float32Array | Int32Array;
    const dst = backend.typedArrayFromHeap(out) as Float32Array | Int32Array;
    const base = begin.reduce((acc, b, i) => acc + b * strides[i], 0);
    const index = new Array<number>(Math.max(outer, 0)).fill(0);
    for (let done = 0; done < total; done += run) {
      let from = base;
      for (let i = 0; i < outer; i++) from += index[i] * strides[i];
      dst.set(src.subarray(from, from + run), done);
      for (let i = outer - 1; i >= 0; i--) {
        if (++index[i] < size[i]) break;
        index[i] = 0;
      }
    }
    return out;
  };
  return { ...original, kernelName: Slice, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}
