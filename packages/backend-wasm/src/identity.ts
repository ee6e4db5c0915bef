import { Identity, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * `Identity` on wasm without a copy: the result shares its input's data (one more reference), as on
 * tfjs' cpu backend. tfjs-backend-wasm 4.22 copies, and tfjs-core clones every tensor it saves for
 * a backward pass through this kernel: 473 full copies per ResNet-20 training step (≈ 4% of it).
 * Safe because no kernel writes into its inputs; variables get new data on `assign`.
 */
function identity(args: { inputs: { x: TensorInfo }; backend: BackendWasm }): TensorInfo {
  const { x } = args.inputs;
  args.backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const identityConfig: KernelConfig = {
  kernelName: Identity,
  backendName: 'wasm',
  kernelFunc: identity as unknown as KernelFunc,
};
