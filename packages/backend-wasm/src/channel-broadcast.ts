import { Add, Multiply, Sub, getKernel, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { callKernel, release } from './kernel-call.js';

/**
 * Faster `Multiply`, `Add` and `Sub` on wasm for the per-channel case `x[..., C] ∘ v[C]` (BatchNorm
 * scale/shift, biases, and their gradients). tfjs-backend-wasm 4.22 runs any broadcasting binary op
 * through a generic index-computing loop, ≈ 30× slower than a same-shape op; a per-channel
 * multiply-add is exactly a 1×1 depthwise convolution with bias, which XNNPACK runs at memory speed:
 *
 * - `x·v` → depthwise(x, filter v);  `x + v` → depthwise(x, filter 1, bias v)
 * - `x − v` → depthwise(x, 1, bias −v);  `v − x` → depthwise(x, −1, bias v)
 *
 * All results are exact (multiplying by ±1 and adding are the same IEEE operations). Every other
 * case (other dtypes, other broadcasts, small tensors) goes to the stock kernel.
 */
const MIN_SIZE = 4096; // below this the stock kernel's lower fixed cost wins

type Kind = 'mul' | 'add' | 'sub';

interface Plan {
  x: TensorInfo; // the full-size operand
  v: TensorInfo; // the per-channel operand
  vFirst: boolean; // v is the left operand
}

function plan(a: TensorInfo, b: TensorInfo): Plan | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  const aSize = a.shape.reduce((p, d) => p * d, 1);
  const bSize = b.shape.reduce((p, d) => p * d, 1);
  const [x, v, vFirst] = aSize >= bSize ? [a, b, false] : [b, a, true];
  const size = Math.max(aSize, bSize);
  if (size < MIN_SIZE || x.shape.length < 2 || v.shape.length > x.shape.length) return null;
  const c = x.shape[x.shape.length - 1];
  const vShape = v.shape;
  if (vShape.length === 0 || vShape[vShape.length - 1] !== c) return null;
  for (let i = 0; i < vShape.length - 1; i++) if (vShape[i] !== 1) return null;
  return { x, v, vFirst };
}

/** A `[C]` float32 tensor on the wasm heap filled by `fill(i)`. */
function vector(backend: BackendWasm, c: number, fill: (i: number) => number): TensorInfo {
  const out = backend.makeOutput([c], 'float32');
  const data = backend.typedArrayFromHeap(out) as Float32Array;
  for (let i = 0; i < c; i++) data[i] = fill(i);
  return out;
}

function channelBroadcast(kind: Kind, stock: KernelConfig): KernelConfig {
  const kernelFunc = (args: { inputs: { a: TensorInfo; b: TensorInfo }; backend: BackendWasm; attrs: object }) => {
    const { inputs, backend } = args;
    const p = plan(inputs.a, inputs.b);
    if (p == null) return stock.kernelFunc(args as unknown as Parameters<KernelFunc>[0]);
    const { x, v, vFirst } = p;
    const c = x.shape[x.shape.length - 1];
    const m = x.shape.reduce((q, d) => q * d, 1) / c;
    const temps: TensorInfo[] = [];
    const v1 = callKernel(backend, 'Reshape', { x: v }, { shape: [c] });
    temps.push(v1);
    let filter: TensorInfo;
    let bias: TensorInfo | undefined;
    if (kind === 'mul') {
      filter = v1;
    } else {
      const subtractX = kind === 'sub' && vFirst; // v − x
      filter = vector(backend, c, () => (subtractX ? -1 : 1));
      // A fresh [C] copy: the depthwise kernel reads the bias's stored shape, which a Reshape
      // (sharing v's data) would leave as v's original rank.
      const sign = kind === 'sub' && !vFirst ? -1 : 1;
      bias = backend.makeOutput([c], 'float32');
      // Views taken after allocating: allocation may grow (and detach) the wasm heap.
      const src = backend.typedArrayFromHeap(v1) as Float32Array;
      const dst = backend.typedArrayFromHeap(bias) as Float32Array;
      for (let i = 0; i < c; i++) dst[i] = sign * src[i];
      temps.push(filter, bias);
    }
    const filter4 = callKernel(backend, 'Reshape', { x: filter }, { shape: [1, 1, c, 1] });
    const x4 = callKernel(backend, 'Reshape', { x }, { shape: [1, m, 1, c] });
    temps.push(filter4, x4);
    const y4 = callKernel(
      backend,
      'FusedDepthwiseConv2D',
      bias ? { x: x4, filter: filter4, bias } : { x: x4, filter: filter4 },
      { strides: [1, 1], pad: 'valid', dilations: [1, 1], dataFormat: 'NHWC', activation: 'linear', leakyreluAlpha: 0 },
    );
    const out = callKernel(backend, 'Reshape', { x: y4 }, { shape: x.shape });
    release(backend, y4, ...temps);
    return out;
  };
  return { kernelName: stock.kernelName, backendName: 'wasm', setupFunc: stock.setupFunc, kernelFunc: kernelFunc as unknown as KernelFunc };
}

/** The replacements, built around the stock kernels (which handle everything else). */
export function channelBroadcastKernels(): KernelConfig[] {
  const out: KernelConfig[] = [];
  for (const [name, kind] of [
    [Multiply, 'mul'],
    [Add, 'add'],
    [Sub, 'sub'],
  ] as const) {
    const stock = getKernel(name, 'wasm');
    if (stock == null) throw new Error(`@cnn/backend: tfjs-backend-wasm has no '${name}' kernel`);
    if ((stock as KernelConfig & { cnnChannelBroadcast?: boolean }).cnnChannelBroadcast) continue; // already ours
    const config = channelBroadcast(kind, stock);
    (config as KernelConfig & { cnnChannelBroadcast?: boolean }).cnnChannelBroadcast = true;
    out.push(config);
  }
  return out;
}
