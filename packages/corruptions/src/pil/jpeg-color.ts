// libjpeg's fixed-point colour conversions (SCALEBITS 16): jccolor.c's rgb_ycc_convert on save,
// jdcolor.c's ycc_rgb_convert on load.

const ONE_HALF = 1 << 15;
const CBCR_OFFSET = 128 << 16;
const fix = (x: number): number => Math.floor(x * 65536 + 0.5);
const FIX_R_Y = fix(0.299);
const FIX_G_Y = fix(0.587);
const FIX_B_Y = fix(0.114);
const FIX_R_CB = fix(0.16874);
const FIX_G_CB = fix(0.33126);
const FIX_HALF = fix(0.5);
const FIX_G_CR = fix(0.41869);
const FIX_B_CR = fix(0.08131);

/** Splits HWC RGB bytes into the Y, Cb and Cr planes (each height × width) as libjpeg does. */
export function rgbToYcc(rgb: Uint8Array, n: number): [Uint8Array, Uint8Array, Uint8Array] {
  const y = new Uint8Array(n);
  const cb = new Uint8Array(n);
  const cr = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const r = rgb[3 * i], g = rgb[3 * i + 1], b = rgb[3 * i + 2];
    y[i] = (FIX_R_Y * r + FIX_G_Y * g + FIX_B_Y * b + ONE_HALF) >> 16;
    // The "ONE_HALF - 1" fudge keeps the maximum at 255 (jccolor.c).
    cb[i] = (-FIX_R_CB * r - FIX_G_CB * g + FIX_HALF * b + CBCR_OFFSET + ONE_HALF - 1) >> 16;
    cr[i] = (FIX_HALF * r - FIX_G_CR * g - FIX_B_CR * b + CBCR_OFFSET + ONE_HALF - 1) >> 16;
  }
  return [y, cb, cr];
}

const clamp255 = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : v);

/** jdcolor.c's tables: Cr→R, Cb→B (rounded) and the scaled Cr→G, Cb→G terms. */
const CR_R = new Int32Array(256);
const CB_B = new Int32Array(256);
const CR_G = new Int32Array(256);
const CB_G = new Int32Array(256);
for (let i = 0; i < 256; i++) {
  const x = i - 128;
  CR_R[i] = (fix(1.402) * x + ONE_HALF) >> 16;
  CB_B[i] = (fix(1.772) * x + ONE_HALF) >> 16;
  CR_G[i] = -fix(0.71414) * x;
  CB_G[i] = -fix(0.34414) * x + ONE_HALF;
}

/** Merges Y, Cb, Cr planes (each `n` samples) back into HWC RGB bytes as libjpeg does. */
export function yccToRgb(y: Uint8Array, cb: Uint8Array, cr: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const yy = y[i], b = cb[i], r = cr[i];
    out[3 * i] = clamp255(yy + CR_R[r]);
    out[3 * i + 1] = clamp255(yy + ((CB_G[b] + CR_G[r]) >> 16));
    out[3 * i + 2] = clamp255(yy + CB_B[b]);
  }
  return out;
}
