import type { RgbImage } from '../types.js';

/**
 * Throws a TypeError/RangeError naming `name` unless `img` is a well-formed {@link RgbImage}:
 * positive integer `height`/`width` and a `Uint8Array` of exactly `height × width × 3` bytes.
 */
export function checkRgbImage(img: RgbImage, name = 'image'): void {
  if (img === null || typeof img !== 'object') {
    throw new TypeError(`${name} must be an RgbImage {image, height, width}, got ${String(img)}`);
  }
  const { height, width, image } = img;
  for (const [key, v] of [['height', height], ['width', width]] as const) {
    if (!Number.isInteger(v) || v <= 0) {
      throw new RangeError(`${name}.${key} must be a positive integer, got ${String(v)}`);
    }
  }
  if (!(image instanceof Uint8Array)) {
    throw new TypeError(`${name}.image must be a Uint8Array (HWC RGB bytes), got ${typeof image}`);
  }
  if (image.length !== height * width * 3) {
    throw new RangeError(
      `${name}.image has ${image.length} bytes but ${height}×${width}×3 = ${height * width * 3} were expected`,
    );
  }
}

/** Throws a RangeError naming `name` unless `v` is a finite number. */
export function checkFinite(v: number, name: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new RangeError(`${name} must be a finite number, got ${String(v)}`);
  }
}

/** Throws a RangeError naming `name` unless `v` is an integer in [min, max]. */
export function checkIntInRange(v: number, name: string, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${String(v)}`);
  }
}
