import type { LabeledBatch } from './types.js';

/** Disposes every tensor of a batch (images, labels and soft targets if any). */
export function disposeBatch(batch: LabeledBatch): void {
  batch.images.dispose();
  batch.labels.dispose();
  batch.targets?.dispose();
}
