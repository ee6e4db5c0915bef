import { checkRgbImage } from '../pil/check-image.js';
import type { RgbImage } from '../types.js';
import { applyBandLuts, bandHistograms } from './band-lut.js';

/** ImageOps.autocontrast's table for one band (cutoff 0, no ignore): stretch [lo, hi] to [0, 255]. */
function stretchLut(h: Int32Array): Uint8Array {
  const lut = new Uint8Array(256);
  let lo = 0;
  while (lo < 255 && !h[lo]) lo++;
  let hi = 255;
  while (hi > 0 && !h[hi]) hi--;
  if (hi <= lo) {
    for (let i = 0; i < 256; i++) lut[i] = i;
    return lut;
  }
  const scale = 255 / (hi - lo);
  const offset = -lo * scale;
  for (let i = 0; i < 256; i++) {
    const v = Math.trunc(i * scale + offset);
    lut[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return lut;
}

/**
 * PIL's `ImageOps.autocontrast(img)` (Pillow 9.4, default arguments): per band, maps the darkest
 * present value to 0 and the lightest to 255 linearly (truncating); a constant band is unchanged.
 * Bit-exact.
 */
export function autocontrast(img: RgbImage): RgbImage {
  checkRgbImage(img, 'img');
  const [r, g, b] = bandHistograms(img);
  return applyBandLuts(img, [stretchLut(r), stretchLut(g), stretchLut(b)]);
}
