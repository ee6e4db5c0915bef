import { checkFinite, checkRgbImage } from '../pil/check-image.js';
import type { RgbImage } from '../types.js';
import { applyBandLuts } from './band-lut.js';

/**
 * PIL's `ImageOps.solarize(img, threshold)`: inverts (255 - v) every value `v >= threshold`; 256
 * or more leaves the image unchanged, 0 or less inverts everything. Bit-exact.
 */
export function solarize(img: RgbImage, threshold: number): RgbImage {
  checkRgbImage(img, 'img');
  checkFinite(threshold, 'threshold');
  const lut = new Uint8Array(256);
  for (let i = 0; i < 256; i++) lut[i] = i < threshold ? i : 255 - i;
  return applyBandLuts(img, [lut, lut, lut]);
}
