import * as tf from '@tensorflow/tfjs-core';
import type { TensorSpec } from './network.js';

const shapeString = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

function list(keys: string[], max = 20): string {
  const shown = keys.slice(0, max).map((k) => `"${k}"`).join(', ');
  return keys.length > max ? `${shown}, … (${keys.length} in all)` : shown;
}

/**
 * Checks a state dict against the model's tensors before anything is changed. Throws one error
 * listing every problem: missing and unexpected keys (when `strict`), shape mismatches (always,
 * naming the key, the dict's shape and the model's shape), and non-numeric dtypes.
 *
 * @param layoutNote appended to shape messages (e.g. " (PyTorch layout)").
 */
export function validateStateDict(
  specs: readonly TensorSpec[],
  dict: Record<string, tf.Tensor>,
  strict: boolean,
  what: string,
  expectedShape: (spec: TensorSpec) => readonly number[] = (s) => s.shape,
  layoutNote = '',
): void {
  if (dict === null || typeof dict !== 'object') throw new Error(`${what}: expected an object of tensors, got ${String(dict)}`);
  const problems: string[] = [];
  const known = new Set(specs.map((s) => s.name));
  if (strict) {
    const missing = specs.map((s) => s.name).filter((n) => !(n in dict));
    const unexpected = Object.keys(dict).filter((k) => !known.has(k));
    if (missing.length) problems.push(`missing keys: ${list(missing)}`);
    if (unexpected.length) problems.push(`unexpected keys: ${list(unexpected)}`);
  }
  for (const spec of specs) {
    const value = dict[spec.name];
    if (value === undefined) continue;
    if (!(value instanceof tf.Tensor)) {
      problems.push(`"${spec.name}" is not a tensor`);
      continue;
    }
    if (value.isDisposed) {
      problems.push(`"${spec.name}" has been disposed`);
      continue;
    }
    const want = expectedShape(spec);
    if (!tf.util.arraysEqual(value.shape, want as number[])) {
      problems.push(`shape mismatch for "${spec.name}": got ${shapeString(value.shape)}, the model has ${shapeString(want)}${layoutNote}`);
    }
    if (value.dtype === 'string' || value.dtype === 'complex64') {
      problems.push(`"${spec.name}" has dtype ${value.dtype}, expected a real number type`);
    }
  }
  if (problems.length) throw new Error(`${what}: ${problems.join('; ')}`);
}
