import { modelTensorSpecs } from './model.js';
import { checkLayout, decodeWeights, encodeWeights, weightsMetadata, type LoadedWeightsInfo, type WeightsLayout } from './weights-codec.js';
import type { Model } from './types.js';

export { fromPytorchLayout, pytorchShape, toPytorchLayout, type LoadedWeightsInfo, type WeightsLayout } from './weights-codec.js';

/** Options of {@link weightsToBytes} / {@link saveWeights}. */
export interface SaveWeightsOptions {
  /** Default 'pytorch', so the file loads into the PyTorch reference model unchanged. */
  layout?: WeightsLayout;
  /** Extra `__metadata__` strings (the keys `layout`, `format`, `model` and `config` are set by us). */
  metadata?: Record<string, string>;
}

/** Options of {@link loadWeightsFromBytes} / {@link loadWeights}. */
export interface LoadWeightsOptions {
  /**
   * Layout of the file. Default: the file's `__metadata__.layout` (written by {@link saveWeights}),
   * otherwise 'pytorch' (files from `safetensors.torch.save_file` carry none).
   */
  layout?: WeightsLayout;
  /** See {@link Model.loadStateDict}; default true. */
  strict?: boolean;
}

/**
 * The model's parameters and buffers as safetensors bytes (no file I/O: browser-safe).
 * `num_batches_tracked` is written as I64, as PyTorch stores it. Disposes its temporaries.
 */
export function weightsToBytes(model: Model, options: SaveWeightsOptions = {}): Uint8Array {
  const layout = options.layout ?? 'pytorch';
  checkLayout(layout, 'weightsToBytes');
  const specs = modelTensorSpecs(model);
  const state = model.stateDict();
  return encodeWeights(specs, state, layout, weightsMetadata(model.name, model.config, layout, options.metadata));
}

/**
 * Loads safetensors bytes into the model (no file I/O: browser-safe), converting from PyTorch
 * layout when the file is in it. Errors name missing/unexpected keys and shape mismatches (in the
 * file's layout). Nothing is changed on error. Disposes everything it decoded.
 */
export function loadWeightsFromBytes(model: Model, bytes: Uint8Array, options: LoadWeightsOptions = {}): LoadedWeightsInfo {
  const { layout, strict } = options;
  return decodeWeights(modelTensorSpecs(model), bytes, `loadWeights(${model.name})`, { layout, strict }, (dict, s) =>
    model.loadStateDict(dict, { strict: s }),
  );
}
