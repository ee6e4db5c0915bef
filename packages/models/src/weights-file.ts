import type { Model } from './types.js';
import {
  loadWeightsFromBytes,
  weightsToBytes,
  type LoadedWeightsInfo,
  type LoadWeightsOptions,
  type SaveWeightsOptions,
} from './weights.js';

/*
 * File I/O for weights (Node only). `node:fs` is imported lazily inside the functions so that the
 * rest of the package (createModel, the codec, weightsToBytes…) bundles for a browser.
 */

// A non-literal specifier (plus the bundlers' ignore comments) keeps browser bundlers from trying
// to resolve node:fs; Node resolves it at run time.
const FS_MODULE = 'node:fs/promises';
const nodeFs = (): Promise<typeof import('node:fs/promises')> =>
  import(/* webpackIgnore: true */ /* @vite-ignore */ FS_MODULE);

/**
 * Writes `bytes` to `path` atomically: a temporary file beside it, then a rename, so a reader never
 * sees a half-written file (and an interrupted write leaves the old file intact). Node only.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const fs = await nodeFs();
  const tmp = `${path}.tmp-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    await fs.writeFile(tmp, bytes);
    await fs.rename(tmp, path);
  } catch (error) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw new Error(`Could not write ${path}: ${(error as Error).message}`);
  }
}

/**
 * Saves the model's parameters and BN buffers to a safetensors file (atomically). Default layout
 * 'pytorch': the file loads into the PyTorch reference with `safetensors.torch.load_file`. Node only.
 */
export async function saveWeights(model: Model, path: string, options: SaveWeightsOptions = {}): Promise<void> {
  await writeFileAtomic(path, weightsToBytes(model, options));
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
