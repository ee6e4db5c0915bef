import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerConfig } from './types.js';

/**
 * True for parameters that conventionally get no weight decay: biases and normalisation
 * parameters, recognised by name (`bias`, `bn`, `norm`, PyTorch's `downsample.1`/`shortcut.1`) or
 * by rank ≤ 1 (every BN γ/β and bias is a vector).
 */
export function isNoDecayParameter(name: string, variable: tf.Tensor): boolean {
  if (variable.rank <= 1) return true;
  const parts = name.toLowerCase().split('.');
  const leaf = parts[parts.length - 1];
  if (leaf === 'bias' || leaf === 'beta' || leaf === 'gamma') return true;
  return parts.some((p) => p.startsWith('bn') || p.includes('norm'));
}

/** Validates the shared options and returns the per-parameter decay coefficient. */
export function decayTable(config: OptimizerConfig, params: Array<[string, tf.Variable]>): Map<string, number> {
  const wd = config.weightDecay ?? 0;
  if (!(wd >= 0) || !Number.isFinite(wd)) throw new RangeError(`optimizer: weightDecay must be ≥ 0, got ${wd}`);
  const table = new Map<string, number>();
  for (const [name, v] of params) {
    table.set(name, config.noDecayOnBnAndBias && isNoDecayParameter(name, v) ? 0 : wd);
  }
  return table;
}

export function checkParams(params: Array<[string, tf.Variable]>): Map<string, tf.Variable> {
  const m = new Map<string, tf.Variable>();
  for (const [name, v] of params) {
    if (m.has(name)) throw new Error(`optimizer: duplicate parameter name "${name}"`);
    m.set(name, v);
  }
  return m;
}

export function loadTensor(tensors: Record<string, tf.Tensor>, key: string, like: tf.Variable): tf.Tensor {
  const t = tensors[key];
  if (!t) throw new Error(`optimizer.loadState: missing state tensor "${key}"`);
  if (t.shape.join(',') !== like.shape.join(',')) {
    throw new Error(`optimizer.loadState: "${key}" has shape [${t.shape}], expected [${like.shape}]`);
  }
  return tf.keep(tf.clone(t));
}

