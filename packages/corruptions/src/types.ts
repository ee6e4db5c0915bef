/**
 * An 8-bit RGB image as the data sets hand them out: `image` holds `height × width × 3` bytes,
 * row-major, channels last (HWC). Every function of this package takes and returns this shape and
 * never modifies its input.
 */
export interface RgbImage {
  image: Uint8Array;
  height: number;
  width: number;
}
