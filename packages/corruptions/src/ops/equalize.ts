import { checkRgbImage } from '../pil/check-image.js';
import type { RgbImage } from '../types.js';
import { applyBandLuts, bandHistograms } from './band-lut.js';

/** ImageOps.equalize's table for one band (integer arithmetic as in Pillow 9.4). */
function equalizeLut(h: Int32Array): Uint8Array {
  const lut = new Uint8Array(256);
  let nonZero = 0, total = 0, last = 0;
  for (let i = 0; i < 256; i++) {
    if (h[i]) {
      nonZero++;
      total += h[i];
      last = h[i];
    }
  }
  // The count of the highest present value is left out of the step, as PIL does.
  const step = nonZero <= 1 ? 0 : Math.floor((total - last) / 255);
  if (!step) {
    for (let i = 0; i < 256; i++) lut[i] = i;
    return lut;
  }
  let n = Math.floor(step / 2);
  for (let i = 0; i < 256; i++) {
    lut[i] = Math.min(255, Math.floor(n / step));
    n += h[i];
  }
  return lut;
}

/** PIL's `ImageOps.equalize(img)` (Pillow 9.4): per-band histogram equalization. Bit-exact. */
export function equalize(img: RgbImage): RgbImage {
  checkRgbImage(img, 'img');
  const [r, g, b] = bandHistograms(img);
  return applyBandLuts(img, [equalizeLut(r), equalizeLut(g), equalizeLut(b)]);
}
