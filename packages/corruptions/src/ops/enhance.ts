import { blend } from '../pil/blend.js';
import { checkFinite, checkRgbImage } from '../pil/check-image.js';
import { luminance } from '../pil/luminance.js';
import { smoothFilter } from '../pil/smooth-filter.js';
import type { RgbImage } from '../types.js';

// PIL's ImageEnhance (Pillow 9.4): `Image.blend(degenerate, img, factor)` where the degenerate
// image is grey (Color), the mean grey (Contrast), black (Brightness) or smoothed (Sharpness).
// Factor 1 returns the image, 0 the degenerate one; above 1 extrapolates (clipped to 0..255).

function enhance(img: RgbImage, factor: number, degenerate: (img: RgbImage) => Uint8Array): RgbImage {
  checkRgbImage(img, 'img');
  checkFinite(factor, 'factor');
  return { image: blend(degenerate(img), img.image, factor), height: img.height, width: img.width };
}

/** Grey copy: `img.convert('L').convert('RGB')`. */
function grey(img: RgbImage): Uint8Array {
  const l = luminance(img.image);
  const out = new Uint8Array(img.image.length);
  for (let i = 0; i < l.length; i++) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = l[i];
  return out;
}

/** Uniform grey at `int(mean(L) + 0.5)`, the mean from the luma histogram as ImageStat does. */
function meanGrey(img: RgbImage): Uint8Array {
  const hist = new Float64Array(256);
  for (const v of luminance(img.image)) hist[v]++;
  let sum = 0;
  for (let i = 0; i < 256; i++) sum += i * hist[i];
  const mean = Math.trunc(sum / (img.width * img.height) + 0.5);
  return new Uint8Array(img.image.length).fill(mean);
}

/** `ImageEnhance.Color(img).enhance(factor)`: 0 greyscale, 1 unchanged, >1 more saturated. */
export function color(img: RgbImage, factor: number): RgbImage {
  return enhance(img, factor, grey);
}

/** `ImageEnhance.Contrast(img).enhance(factor)`: 0 uniform mean grey, 1 unchanged. */
export function contrast(img: RgbImage, factor: number): RgbImage {
  return enhance(img, factor, meanGrey);
}

/** `ImageEnhance.Brightness(img).enhance(factor)`: 0 black, 1 unchanged. */
export function brightness(img: RgbImage, factor: number): RgbImage {
  return enhance(img, factor, (i) => new Uint8Array(i.image.length));
}

/** `ImageEnhance.Sharpness(img).enhance(factor)`: 0 smoothed (ImageFilter.SMOOTH), 1 unchanged, 2 sharpened. */
export function sharpness(img: RgbImage, factor: number): RgbImage {
  return enhance(img, factor, smoothFilter);
}
