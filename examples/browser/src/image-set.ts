/**
 * The page's test images: a compact file written by scripts/make-images.mjs —
 * `"CIMG"`, u32 count, u16 height, u16 width (little-endian), `count` label bytes, then
 * `count × height × width × 3` pixel bytes, each image HWC (row-major, channels last).
 */
import type { RgbImage } from '@cnn/corruptions';

export const IMAGE_SET_MAGIC = 'CIMG';
const HEADER_BYTES = 12;

export interface ImageSet {
  count: number;
  height: number;
  width: number;
  labels: Uint8Array;
  /** All images, HWC bytes one after the other. */
  pixels: Uint8Array;
}

/** Parses an image-set file; `source` names it in errors (e.g. its URL). */
export function parseImageSet(bytes: Uint8Array, source: string): ImageSet {
  if (bytes.length < HEADER_BYTES) {
    throw new Error(`${source}: ${bytes.length} bytes is too short for the ${HEADER_BYTES}-byte image-set header`);
  }
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== IMAGE_SET_MAGIC) {
    throw new Error(`${source}: not an image-set file (starts with ${JSON.stringify(magic)}, expected "${IMAGE_SET_MAGIC}")`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(4, true);
  const height = view.getUint16(8, true);
  const width = view.getUint16(10, true);
  if (count === 0 || height === 0 || width === 0) {
    throw new Error(`${source}: empty image set (count ${count}, ${height}×${width})`);
  }
  const expected = HEADER_BYTES + count + count * height * width * 3;
  if (bytes.length !== expected) {
    throw new Error(`${source}: ${bytes.length} bytes, expected ${expected} for ${count} images of ${height}×${width}×3 (truncated or wrong file?)`);
  }
  const labels = bytes.slice(HEADER_BYTES, HEADER_BYTES + count);
  const pixels = bytes.slice(HEADER_BYTES + count);
  return { count, height, width, labels, pixels };
}

/** Image `index` as an {@link RgbImage} (a view, not a copy). */
export function imageAt(set: ImageSet, index: number): RgbImage {
  if (!Number.isInteger(index) || index < 0 || index >= set.count) {
    throw new RangeError(`image index must be an integer from 0 to ${set.count - 1}, got ${String(index)}`);
  }
  const size = set.height * set.width * 3;
  return { image: set.pixels.subarray(index * size, (index + 1) * size), height: set.height, width: set.width };
}
