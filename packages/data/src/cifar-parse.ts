import { CIFAR_IMAGE_BYTES, CIFAR_SOURCES, isCifarVariant, type CifarVariant } from './cifar-layout.js';
import { describeValue } from './describe-value.js';

/** Decoded contents of one or more CIFAR binary batch files. */
export interface CifarRecords {
  /** `n × 32 × 32 × 3` bytes, HWC (converted from the files' planar CHW). */
  images: Uint8Array;
  /** CIFAR-10 labels, or CIFAR-100 fine labels. */
  labels: Uint8Array;
  /** CIFAR-100 only: coarse (superclass) labels. */
  coarseLabels?: Uint8Array;
  count: number;
}

/**
 * Parses the bytes of a CIFAR binary batch file. Record layout: CIFAR-10 `<label><3072 pixels>`,
 * CIFAR-100 `<coarse><fine><3072 pixels>`; pixels are 1024 R, then 1024 G, then 1024 B, each plane
 * row-major 32 × 32. Throws an error naming `file` when the size is not a whole number of records
 * or a label is out of range, and when `variant` is unknown or `bytes` is not a Uint8Array (a Buffer is).
 */
export function parseCifarBatch(bytes: Uint8Array, variant: CifarVariant, file = 'CIFAR batch'): CifarRecords {
  if (!isCifarVariant(variant)) {
    throw new Error(`${file}: unknown CIFAR variant ${describeValue(variant)}; expected 'cifar10' or 'cifar100'`);
  }
  if (!isUint8Array(bytes)) throw new Error(`${file}: expected the file's bytes as a Uint8Array, got ${describeValue(bytes)}`);
  const labelBytes = CIFAR_SOURCES[variant].labelBytes;
  const record = labelBytes + CIFAR_IMAGE_BYTES;
  if (bytes.length === 0) throw new Error(`${file}: empty file (expected ${record}-byte ${CIFAR_SOURCES[variant].title} records)`);
  if (bytes.length % record !== 0) {
    throw new Error(
      `${file}: size ${bytes.length} bytes is not a multiple of the ${record}-byte ${CIFAR_SOURCES[variant].title} record ` +
        `(${Math.floor(bytes.length / record)} whole records + ${bytes.length % record} bytes; truncated or wrong variant?)`,
    );
  }
  const count = bytes.length / record;
  const images = new Uint8Array(count * CIFAR_IMAGE_BYTES);
  const labels = new Uint8Array(count);
  const coarseLabels = variant === 'cifar100' ? new Uint8Array(count) : undefined;
  const numFine = variant === 'cifar10' ? 10 : 100;
  for (let r = 0; r < count; r++) {
    const base = r * record;
    const fine = bytes[base + labelBytes - 1];
    if (fine >= numFine) {
      throw new Error(`${file}: record ${r} (byte ${base + labelBytes - 1}) has label ${fine}, expected 0..${numFine - 1}`);
    }
    labels[r] = fine;
    if (coarseLabels) {
      const coarse = bytes[base];
      if (coarse >= 20) throw new Error(`${file}: record ${r} (byte ${base}) has coarse label ${coarse}, expected 0..19`);
      coarseLabels[r] = coarse;
    }
    const px = base + labelBytes;
    const out = r * CIFAR_IMAGE_BYTES;
    for (let p = 0, o = out; p < 1024; p++, o += 3) {
      images[o] = bytes[px + p];
      images[o + 1] = bytes[px + 1024 + p];
      images[o + 2] = bytes[px + 2048 + p];
    }
  }
  return { images, labels, coarseLabels, count };
}

/** A Uint8Array or Buffer, also from another realm (a worker, a vm context). */
function isUint8Array(x: unknown): x is Uint8Array {
  return ArrayBuffer.isView(x) && Object.prototype.toString.call(x) === '[object Uint8Array]';
}
