import * as tf from '@tensorflow/tfjs-core';
import type { TensorKind, TensorSpec } from './network.js';
import { decodeSafetensors, encodeSafetensors, type SafetensorsDtype } from './safetensors.js';
import { validateStateDict } from './state-dict.js';
import type { ModelConfig } from './types.js';

/*
 * Model tensors ↔ safetensors bytes, given the tensor specs. Kept apart from the Model so that the
 * model itself (its trainingState) and the public weight functions share one codec without an
 * import cycle.
 */

/**
 * Tensor layouts on disk. `tfjs`: conv `[kh, kw, in, out]`, linear `[in, out]` (the model's own).
 * `pytorch`: conv `[out, in, kh, kw]`, linear `[out, in]` — what `torch.save`/`safetensors.torch`
 * hold, loadable with `model.load_state_dict(safetensors.torch.load_file(path))`.
 */
export type WeightsLayout = 'tfjs' | 'pytorch';

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

export function checkLayout(layout: string, what: string): void {
  if (layout !== 'tfjs' && layout !== 'pytorch') throw new Error(`${what}: layout must be 'tfjs' or 'pytorch', got "${layout}"`);
}

/** The `__metadata__` of a model's weights: `extra`, then the keys set by us. */
export function weightsMetadata(name: string, config: ModelConfig, layout: WeightsLayout, extra?: Record<string, string>): Record<string, string> {
  return { ...extra, format: 'pt', layout, model: name, config: JSON.stringify(config) };
}

/**
 * The tensors of `state` named by `specs` as safetensors bytes in `layout`; `num_batches_tracked`
 * as I64, as PyTorch stores it. Disposes its temporaries.
 */
export function encodeWeights(
  specs: readonly TensorSpec[],
  state: Record<string, tf.Tensor>,
  layout: WeightsLayout,
  metadata: Record<string, string>,
): Uint8Array {
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
    return encodeSafetensors(tensors, metadata, { dtypes });
  } finally {
    for (const t of temporaries) t.dispose();
  }
}

/** Options of {@link decodeWeights}. */
export interface DecodeWeightsOptions {
  /** Layout of the bytes; default their `__metadata__.layout`, else 'pytorch'. */
  layout?: WeightsLayout;
  /** Every spec present and nothing else (default true). */
  strict?: boolean;
  /** Names the bytes in decoding errors (see `decodeSafetensors`). */
  source?: string;
}

/**
 * Decodes safetensors bytes, converts them from PyTorch layout when they are in it, checks them
 * against `specs` (errors start with `what`) and hands the TF.js-layout dict to `load` (a model's
 * `loadStateDict`). Disposes everything it decoded.
 */
export function decodeWeights(
  specs: readonly TensorSpec[],
  bytes: Uint8Array,
  what: string,
  options: DecodeWeightsOptions,
  load: (dict: Record<string, tf.Tensor>, strict: boolean) => void,
): LoadedWeightsInfo {
  const { tensors, metadata } = decodeSafetensors(bytes, options.source === undefined ? {} : { source: options.source });
  const converted: tf.Tensor[] = [];
  try {
    const fileLayout = metadata.layout;
    const layout = options.layout ?? (fileLayout === 'tfjs' || fileLayout === 'pytorch' ? fileLayout : 'pytorch');
    checkLayout(layout, 'loadWeights');
    const strict = options.strict ?? true;
    let dict = tensors;
    if (layout === 'pytorch') {
      validateStateDict(specs, tensors, strict, what, pytorchShape, ' (PyTorch layout)');
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
    load(dict, layout === 'pytorch' ? false : strict);
    return { layout, metadata };
  } finally {
    for (const t of converted) t.dispose();
    for (const t of Object.values(tensors)) t.dispose();
  }
}
