/**
 * skimage.color.rgb2hsv on one pixel of floats in [0, 1], written to `out` as [h, s, v]; ties of
 * the maximum go to blue, then green, then red, as skimage's overwriting masks do.
 */
export function rgbToHsv(r: number, g: number, b: number, out: Float64Array): void {
  const v = Math.max(r, g, b);
  const delta = v - Math.min(r, g, b);
  let h = 0;
  if (delta !== 0) {
    if (b === v) h = 4 + (r - g) / delta;
    else if (g === v) h = 2 + (b - r) / delta;
    else h = (g - b) / delta;
    h = pythonMod(h / 6, 1);
  }
  out[0] = h;
  out[1] = delta === 0 ? 0 : delta / v;
  out[2] = v;
}

/** skimage.color.hsv2rgb on one pixel, written to `out` as [r, g, b]. */
export function hsvToRgb(h: number, s: number, v: number, out: Float64Array): void {
  const hi6 = Math.floor(h * 6);
  const f = h * 6 - hi6;
  const p = v * (1 - s);
  const q = v * (1 - f * s);
  const t = v * (1 - (1 - f) * s);
  // skimage casts hi to uint8 before the modulo
  switch ((hi6 & 0xff) % 6) {
    case 0:
      out[0] = v; out[1] = t; out[2] = p;
      break;
    case 1:
      out[0] = q; out[1] = v; out[2] = p;
      break;
    case 2:
      out[0] = p; out[1] = v; out[2] = t;
      break;
    case 3:
      out[0] = p; out[1] = q; out[2] = v;
      break;
    case 4:
      out[0] = t; out[1] = p; out[2] = v;
      break;
    default:
      out[0] = v; out[1] = p; out[2] = q;
  }
}

/** Python's % on floats: the result has the divisor's sign. */
function pythonMod(a: number, m: number): number {
  const r = a % m;
  return r !== 0 && r < 0 !== m < 0 ? r + m : r;
}
