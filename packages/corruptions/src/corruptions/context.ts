import type { Draws } from '../draws.js';
import type { CorruptionTable } from '../tables/table.js';
import type { RgbImage } from '../types.js';

/** What every corruption receives: a validated image, severity index 0–4, its table and draws. */
export interface CorruptionContext {
  image: RgbImage;
  /** severity − 1 */
  level: number;
  table: CorruptionTable;
  draws: Draws;
  /** ImageNet frost overlays (RGB, full size), when the caller provides them. */
  frostOverlays?: readonly RgbImage[];
}

/** A corruption: returns the `height × width × 3` bytes of the corrupted image. */
export type Corruption = (context: CorruptionContext) => Uint8Array;

/** The image as numpy's `np.array(x) / 255.`: float64 in [0, 1]. */
export function unitFloats(bytes: Uint8Array): Float64Array {
  const out = new Float64Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i] / 255;
  return out;
}

/** `np.uint8(np.clip(x, 0, 1) * 255)`: clip, scale, truncate, as CIFAR-10-C was saved. */
export function unitToBytes(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = Math.trunc((v < 0 ? 0 : v > 1 ? 1 : v) * 255);
  }
  return out;
}

/** `np.uint8(np.clip(x, 0, 1) * 255)` for a float32 array: the product is rounded to float32 too. */
export function unitToBytes32(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = Math.trunc(Math.fround((v < 0 ? 0 : v > 1 ? 1 : v) * 255));
  }
  return out;
}
