import type { RgbImage } from '../types.js';

/** Per-band 256-bin histograms of an RGB image (PIL's `image.histogram()`, split by band). */
export function bandHistograms(img: RgbImage): [Int32Array, Int32Array, Int32Array] {
  const hs: [Int32Array, Int32Array, Int32Array] = [new Int32Array(256), new Int32Array(256), new Int32Array(256)];
  const d = img.image;
  for (let i = 0; i < d.length; i += 3) {
    hs[0][d[i]]++;
    hs[1][d[i + 1]]++;
    hs[2][d[i + 2]]++;
  }
  return hs;
}

/** `image.point(lut)`: maps each band's bytes through its own 256-entry table; returns a new image. */
export function applyBandLuts(img: RgbImage, luts: readonly [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>]): RgbImage {
  const d = img.image;
  const out = new Uint8Array(d.length);
  for (let i = 0; i < d.length; i += 3) {
    out[i] = luts[0][d[i]];
    out[i + 1] = luts[1][d[i + 1]];
    out[i + 2] = luts[2][d[i + 2]];
  }
  return { image: out, height: img.height, width: img.width };
}
