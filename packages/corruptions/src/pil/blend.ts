// Pillow 9.4's Image.blend (Blend.c): the float32 interpolation ImageEnhance builds on.

const f32 = Math.fround;

/**
 * `Image.blend(im1, im2, alpha)` on equal-length byte buffers: `im1 + alpha × (im2 - im1)` in C
 * float (alpha is cast to float), truncated toward zero; outside alpha ∈ [0, 1] the result is
 * clamped to 0..255 first. alpha 0 and 1 return copies of im1 and im2, as Blend.c's shortcuts do.
 */
export function blend(im1: Uint8Array, im2: Uint8Array, alpha: number): Uint8Array {
  const a = f32(alpha);
  if (a === 0) return im1.slice();
  if (a === 1) return im2.slice();
  const out = new Uint8Array(im1.length);
  const interpolate = a >= 0 && a <= 1;
  for (let i = 0; i < im1.length; i++) {
    const v = f32(im1[i] + f32(a * (im2[i] - im1[i])));
    out[i] = interpolate ? Math.trunc(v) : v <= 0 ? 0 : v >= 255 ? 255 : Math.trunc(v);
  }
  return out;
}
