import { checkIntInRange, checkRgbImage } from '../pil/check-image.js';
import type { RgbImage } from '../types.js';
import { applyBandLuts } from './band-lut.js';

/** PIL's `ImageOps.posterize(img, bits)`: keeps the `bits` (1..8) high bits of every value. Bit-exact. */
export function posterize(img: RgbImage, bits: number): RgbImage {
  checkRgbImage(img, 'img');
  checkIntInRange(bits, 'bits', 1, 8);
  const mask = ~(2 ** (8 - bits) - 1) & 255;
  const lut = new Uint8Array(256);
  for (let i = 0; i < 256; i++) lut[i] = i & mask;
  return applyBandLuts(img, [lut, lut, lut]);
}
