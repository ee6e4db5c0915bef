import type { LabeledBatch } from '@cnn/backend';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Disposes every tensor of a batch (images, labels, targets). `tf.dispose(batch)` does not
 * type-check for the `LabeledBatch` interface, hence this helper.
 */
export function disposeBatch(batch: LabeledBatch): void {
  tf.dispose([batch.images, batch.labels, ...(batch.targets ? [batch.targets] : [])]);
}
