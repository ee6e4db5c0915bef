import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor2D, Tensor4D } from '@tensorflow/tfjs-core';
import { createRng, type Rng } from '@cnn/core';
import { checkImages, checkLabelRange, readLabels } from './validate.js';
import { checkLogitsShape } from './loss-gradient.js';
import type { CommonAttackOptions, LabelsInput } from './types.js';

/** What every attack needs after its inputs were checked. */
export interface Prepared {
  fn: string;
  batch: number;
  low: number;
  high: number;
  labels: Int32Array;
  /** The classes the loss refers to: the targets when targeted, else the labels. */
  classes: Int32Array;
  targeted: boolean;
  rng: Rng;
  /** Checks logits of `rows` images (shape, and labels/targets against the class count). */
  checkLogits: (logits: Tensor2D, rows: number) => void;
}

export async function prepare(
  fn: string,
  images: Tensor4D,
  labels: LabelsInput,
  options: CommonAttackOptions & { targets?: LabelsInput },
): Promise<Prepared> {
  const [low, high] = await checkImages(fn, images, options.bounds);
  const batch = images.shape[0];
  const labelsHost = await readLabels(fn, 'labels', labels, batch);
  const targeted = options.targets !== undefined;
  const targets = targeted ? await readLabels(fn, 'targets', options.targets as LabelsInput, batch) : undefined;
  if (options.rng !== undefined && options.seed !== undefined) {
    throw new Error(`${fn}: give either seed or rng, not both`);
  }
  const rng = options.rng ?? createRng(options.seed ?? 0);
  let checkedClasses = -1;
  return {
    fn,
    batch,
    low,
    high,
    labels: labelsHost,
    classes: targets ?? labelsHost,
    targeted,
    rng,
    checkLogits(logits, rows) {
      checkLogitsShape(fn, logits, rows);
      const k = logits.shape[1];
      if (k === checkedClasses) return;
      checkLabelRange(fn, 'labels', labelsHost, k);
      if (targets) checkLabelRange(fn, 'targets', targets, k);
      checkedClasses = k;
    },
  };
}

/** int32 tensor of the given class indices (optionally a subset of rows). */
export function classTensor(classes: Int32Array, rows?: Int32Array): Tensor1D {
  if (!rows) return tf.tensor1d(classes, 'int32');
  const v = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) v[i] = classes[rows[i]];
  return tf.tensor1d(v, 'int32');
}

/** Per-example success from top-1 predictions: ≠ label (untargeted) or = target (targeted). */
export function successOf(pred: Int32Array, p: Prepared, rows?: Int32Array): boolean[] {
  const out: boolean[] = new Array(pred.length);
  for (let i = 0; i < pred.length; i++) {
    const r = rows ? rows[i] : i;
    out[i] = p.targeted ? pred[i] === p.classes[r] : pred[i] !== p.labels[r];
  }
  return out;
}
