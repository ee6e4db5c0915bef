import type { RgbImage } from '../types.js';

// Pillow 9.4's `img.transform(size, Image.AFFINE, data, resample=Image.BILINEAR)` (Geometry.c's
// ImagingGenericTransform with affine_transform and bilinear_filter32RGB) and its transposes.

/**
 * The affine coefficients (a, b, c, d, e, f): output pixel centre (x + 0.5, y + 0.5) samples the
 * input at (a x' + b y' + c, d x' + e y' + f), as PIL's AFFINE data.
 */
export type AffineCoefficients = readonly [number, number, number, number, number, number];

/**
 * Bilinear affine warp into a `width × height` image, black where the sample point falls outside
 * the input; every step in double as Geometry.c does, the result truncated toward zero.
 */
export function affineBilinear(image: RgbImage, a: AffineCoefficients, width: number, height: number): RgbImage {
  const { image: src, height: h, width: w } = image;
  const out = new Uint8Array(width * height * 3);
  const [a0, a1, a2, a3, a4, a5] = a;
  const xclip = (x: number): number => (x < 0 ? 0 : x < w ? x : w - 1);
  for (let oy = 0; oy < height; oy++) {
    const yin = oy + 0.5;
    for (let ox = 0; ox < width; ox++) {
      const xin = ox + 0.5;
      let xx = a0 * xin + a1 * yin + a2;
      let yy = a3 * xin + a4 * yin + a5;
      if (xx < 0 || xx >= w || yy < 0 || yy >= h) continue; // fill stays 0
      xx -= 0.5;
      yy -= 0.5;
      const x = Math.floor(xx), y = Math.floor(yy);
      const dx = xx - x, dy = yy - y;
      const row0 = (y < 0 ? 0 : y) * w * 3; // YCLIP; y < h always holds here
      const row1 = (y + 1) * w * 3; // used only when y + 1 < h (y + 1 >= 0 always holds here)
      const hasRow1 = y + 1 < h;
      const x0 = xclip(x) * 3, x1 = xclip(x + 1) * 3;
      for (let c = 0; c < 3; c++) {
        const p = src[row0 + x0 + c], q = src[row0 + x1 + c];
        const v1 = p + (q - p) * dx;
        let v2 = v1;
        if (hasRow1) {
          const r = src[row1 + x0 + c], s = src[row1 + x1 + c];
          v2 = r + (s - r) * dx;
        }
        out[(oy * width + ox) * 3 + c] = Math.trunc(v1 + (v2 - v1) * dy);
      }
    }
  }
  return { image: out, height, width };
}

/**
 * Exact quarter turns as `Image.transpose`: 1 = ROTATE_90 (counter-clockwise), 2 = ROTATE_180,
 * 3 = ROTATE_270.
 */
export function rotateQuarterTurns(image: RgbImage, turns: 1 | 2 | 3): RgbImage {
  const { image: src, height: h, width: w } = image;
  const oh = turns === 2 ? h : w, ow = turns === 2 ? w : h;
  const out = new Uint8Array(src.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // Where input (x, y) lands: ROTATE_90 sends it to row w-1-x, column y.
      const [oy, ox] = turns === 1 ? [w - 1 - x, y] : turns === 2 ? [h - 1 - y, w - 1 - x] : [x, h - 1 - y];
      const o = (oy * ow + ox) * 3, i = (y * w + x) * 3;
      out[o] = src[i];
      out[o + 1] = src[i + 1];
      out[o + 2] = src[i + 2];
    }
  }
  return { image: out, height: oh, width: ow };
}
