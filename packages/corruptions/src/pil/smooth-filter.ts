import type { RgbImage } from '../types.js';

// Pillow 9.4's `img.filter(ImageFilter.SMOOTH)`: Filter.c's ImagingFilter3x3 with the kernel
// [1 1 1; 1 5 1; 1 1 1] / 13, accumulated in C float; the border pixels are copied unchanged.

const f32 = Math.fround;
const EDGE = f32(f32(1) / f32(13));
const MIDDLE = f32(f32(5) / f32(13));

/** The float sum of one kernel row (Filter.c's KERNEL1x3) over the bytes at i - 3, i, i + 3. */
function row3(d: Uint8Array, i: number, centre: number): number {
  return f32(f32(f32(d[i - 3] * EDGE) + f32(d[i] * centre)) + f32(d[i + 3] * EDGE));
}

/** `image.filter(ImageFilter.SMOOTH)`; images narrower or shorter than 3 are returned as a copy. */
export function smoothFilter(image: RgbImage): Uint8Array {
  const { image: src, height: h, width: w } = image;
  const out = src.slice();
  if (h < 3 || w < 3) return out;
  const stride = w * 3;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      for (let c = 0; c < 3; c++) {
        const i = y * stride + x * 3 + c;
        // Rows in Filter.c's order: below (kernel[0..2]), same, above (kernel[6..8]); +0.5 rounds.
        let ss = f32(0.5);
        ss = f32(ss + row3(src, i + stride, EDGE));
        ss = f32(ss + row3(src, i, MIDDLE));
        ss = f32(ss + row3(src, i - stride, EDGE));
        out[i] = ss <= 0 ? 0 : ss >= 255 ? 255 : Math.trunc(ss);
      }
    }
  }
  return out;
}
