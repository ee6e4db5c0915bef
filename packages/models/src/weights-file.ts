import type { Model } from './types.js';
import {
  loadWeightsFromBytes,
  weightsToBytes,
  type LoadedWeightsInfo,
  type LoadWeightsOptions,
  type SaveWeightsOptions,
} from './weights.js';

/*
 * File I/O for weights (Node only). `node:fs` and `@cnn/core/node` are imported lazily inside the
 * functions so that the rest of the package (createModel, the codec, weightsToBytes…) bundles for a
 * browser.
 */

// Non-literal specifiers (plus the bundlers' ignore comments) keep browser bundlers from trying to
// resolve Node-only modules; Node resolves them at run time.
const FS_MODULE = 'node:fs/promises';
const CORE_NODE_MODULE = '@cnn/core/node';
const nodeFs = (): Promise<typeof import('node:fs/promises')> =>
  import(/* webpackIgnore: true */ /* @vite-ignore */ FS_MODULE);
const coreNode = (): Promise<typeof import('@cnn/core/node')> =>
  import(/* webpackIgnore: true */ /* @vite-ignore */ CORE_NODE_MODULE);

/**
 * `writeFileAtomic` of `@cnn/core/node` (temporary file, fsync, rename, directory fsync; creates the
 * directory; a `WriteFileAtomicError` names the file and the failed step), loaded on first use. Node only.
 * @deprecated import `writeFileAtomic` from `@cnn/core/node`.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const core = await coreNode();
  await core.writeFileAtomic(path, data);
}

/**
 * Saves the model's parameters and BN buffers to a safetensors file, atomically (with
 * `writeFileAtomic` of `@cnn/core/node`: creates the directory; a failure is a `WriteFileAtomicError`
 * naming the file and the step, and leaves the old file as it was). Default layout 'pytorch': the
 * file loads into the PyTorch reference with `safetensors.torch.load_file`. Node only.
 */
export async function saveWeights(model: Model, path: string, options: SaveWeightsOptions = {}): Promise<void> {
  const bytes = weightsToBytes(model, options);
  const core = await coreNode();
  await core.writeFileAtomic(path, bytes);
}

/**
 * Loads a safetensors file (path, Node only) or its bytes (anywhere) into the model. See
 * {@link loadWeightsFromBytes} for layouts and errors.
 */
export async function loadWeights(
  model: Model,
  pathOrBytes: string | Uint8Array,
  options: LoadWeightsOptions = {},
): Promise<LoadedWeightsInfo> {
  let bytes: Uint8Array;
  if (typeof pathOrBytes === 'string') {
    const fs = await nodeFs();
    try {
      const buffer = await fs.readFile(pathOrBytes);
      bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (error) {
      throw new Error(`loadWeights: cannot read ${pathOrBytes}: ${(error as Error).message}`);
    }
    try {
      return loadWeightsFromBytes(model, bytes, options);
    } catch (error) {
      throw new Error(`${(error as Error).message} (file ${pathOrBytes})`);
    }
  }
  return loadWeightsFromBytes(model, pathOrBytes, options);
}
