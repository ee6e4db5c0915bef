import * as tf from '@tensorflow/tfjs-core';
import { modelTensorSpecs } from './model.js';
import type { TensorKind, TensorSpec } from './network.js';
import { decodeSafetensors, encodeSafetensors, type SafetensorsDtype } from './safetensors.js';
import { validateStateDict } from './state-dict.js';
import type { Model } from './types.js';

/**
 * Tensor layouts on disk. `tfjs`: conv `[kh, kw, in, out]`, linear `[in, out]` (the model's own).
 * `pytorch`: conv `[out, in, kh, kw]`, linear `[out, in]` — what `torch.save`/`safetensors.torch`
 * hold, loadable with `model.load_state_dict(safetensors.torch.load_file(path))`.
 */
export type WeightsLayout = 'tfjs' | 'pytorch';

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

/** What a load found in the file. */
export interface LoadedWeightsInfo {
  /** The layout used. */
  layout: WeightsLayout;
  /** The file's `__metadata__`. */
  metadata: Record<string, string>;
}

const TO_PYTORCH: Partial<Record<TensorKind, number[]>> = { conv: [3, 2, 0, 1], linear: [1, 0] };
const FROM_PYTORCH: Partial<Record<TensorKind, number[]>> = { conv: [2, 3, 1, 0], linear: [1, 0] };

/** A spec's shape in PyTorch layout. */
export function pytorchShape(spec: Pick<TensorSpec, 'shape' | 'kind'>): number[] {
  const perm = TO_PYTORCH[spec.kind];
  return perm ? perm.map((i) => spec.shape[i]) : spec.shape.slice();
}

/** Transposes a tensor from TF.js to PyTorch layout (new tensor; for conv/linear kinds). */
export function toPytorchLayout(t: tf.Tensor, kind: TensorKind): tf.Tensor {
  const perm = TO_PYTORCH[kind];
  return perm ? tf.transpose(t, perm) : tf.clone(t);
}

/** Transposes a tensor from PyTorch to TF.js layout (new tensor; for conv/linear kinds). */
export function fromPytorchLayout(t: tf.Tensor, kind: TensorKind): tf.Tensor {
  const perm = FROM_PYTORCH[kind];
  return perm ? tf.transpose(t, perm) : tf.clone(t);
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
  const tensors: Record<string, tf.Tensor> = {};
  const dtypes: Record<string, SafetensorsDtype> = {};
  const temporaries: tf.Tensor[] = [];
  try {
    for (const spec of specs) {
      let t = state[spec.name];
      if (layout === 'pytorch' && TO_PYTORCH[spec.kind]) {
        t = toPytorchLayout(t, spec.kind);
        temporaries.push(t);
      }
      tensors[spec.name] = t;
      if (t.dtype === 'int32') dtypes[spec.name] = 'I64';
    }
    const metadata: Record<string, string> = {
      ...options.metadata,
      format: 'pt',
      layout,
      model: model.name,
      config: JSON.stringify(model.config),
    };
    return encodeSafetensors(tensors, metadata, { dtypes });
  } finally {
    for (const t of temporaries) t.dispose();
  }
}

/**
 * Loads safetensors bytes into the model (no file I/O: browser-safe), converting from PyTorch
 * layout when the file is in it. Errors name missing/unexpected keys and shape mismatches (in the
 * file's layout). Nothing is changed on error. Disposes everything it decoded.
 */
export function loadWeightsFromBytes(model: Model, bytes: Uint8Array, options: LoadWeightsOptions = {}): LoadedWeightsInfo {
  const { tensors, metadata } = decodeSafetensors(bytes);
  const converted: tf.Tensor[] = [];
  try {
    const fileLayout = metadata.layout;
    const layout = options.layout ?? (fileLayout === 'tfjs' || fileLayout === 'pytorch' ? fileLayout : 'pytorch');
    checkLayout(layout, 'loadWeights');
    const strict = options.strict ?? true;
    const specs = modelTensorSpecs(model);
    let dict = tensors;
    if (layout === 'pytorch') {
      validateStateDict(specs, tensors, strict, `loadWeights(${model.name})`, pytorchShape, ' (PyTorch layout)');
      dict = {};
      for (const spec of specs) {
        const t = tensors[spec.name];
        if (t === undefined) continue;
        if (FROM_PYTORCH[spec.kind]) {
          const c = fromPytorchLayout(t, spec.kind);
          converted.push(c);
          dict[spec.name] = c;
        } else dict[spec.name] = t;
      }
    }
    model.loadStateDict(dict, { strict: layout === 'pytorch' ? false : strict });
    return { layout, metadata };
  } finally {
    for (const t of converted) t.dispose();
    for (const t of Object.values(tensors)) t.dispose();
  }
}

function checkLayout(layout: string, what: string): void {
  if (layout !== 'tfjs' && layout !== 'pytorch') throw new Error(`${what}: layout must be 'tfjs' or 'pytorch', got "${layout}"`);
}
