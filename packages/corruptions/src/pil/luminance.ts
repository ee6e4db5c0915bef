// Pillow 9.4's RGB → "L" conversion (Convert.c rgb2l, ITU-R 601-2 luma in 16-bit fixed point).

/** One luma byte per pixel of HWC RGB bytes: (19595 R + 38470 G + 7471 B + 0x8000) >> 16. */
export function luminance(rgb: Uint8Array): Uint8Array {
  const n = rgb.length / 3;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = (rgb[3 * i] * 19595 + rgb[3 * i + 1] * 38470 + rgb[3 * i + 2] * 7471 + 0x8000) >> 16;
  }
  return out;
}
