import { CIFAR_IMAGE_BYTES, type CifarVariant } from './cifar-layout.js';
import { checkIndex, type Dataset, type Sample } from './dataset.js';

/** A CIFAR split in memory; `get(i)` returns a read-only view (no copy). */
export class CifarDataset implements Dataset {
  readonly height = 32;
  readonly width = 32;
  readonly length: number;

  constructor(
    readonly variant: CifarVariant,
    /** `length × 32 × 32 × 3` bytes, HWC RGB. */
    readonly images: Uint8Array,
    /** Labels returned by `get` (CIFAR-100: fine or coarse, as chosen). */
    readonly labels: Uint8Array,
    readonly classNames: readonly string[],
    /** The files the examples came from, in order. */
    readonly files: readonly string[],
    /** CIFAR-100: both label sets. */
    readonly fineLabels?: Uint8Array,
    readonly coarseLabels?: Uint8Array,
  ) {
    this.length = labels.length;
    if (images.length !== this.length * CIFAR_IMAGE_BYTES) {
      throw new Error(`CifarDataset: ${images.length} image bytes for ${this.length} labels (expected ${this.length * CIFAR_IMAGE_BYTES})`);
    }
  }

  get(index: number): Sample {
    checkIndex(index, this.length, `${this.variant} dataset`);
    const o = index * CIFAR_IMAGE_BYTES;
    return { image: this.images.subarray(o, o + CIFAR_IMAGE_BYTES), height: 32, width: 32, label: this.labels[index] };
  }
}
