import { affineBilinear } from '../pil/affine.js';
import { checkFinite, checkRgbImage } from '../pil/check-image.js';
import type { RgbImage } from '../types.js';

// AugMix's geometric operations: `img.transform(img.size, Image.AFFINE, data,
// resample=Image.BILINEAR)` with augmentations.py's coefficient tuples. The output has the input's
// size (AugMix passes (IMAGE_SIZE, IMAGE_SIZE), the size of its inputs).

function affineOp(img: RgbImage, value: number, name: string, data: (v: number) => [number, number, number, number, number, number]): RgbImage {
  checkRgbImage(img, 'img');
  checkFinite(value, name);
  return affineBilinear(img, data(value), img.width, img.height);
}

/** Horizontal shear, AFFINE (1, factor, 0, 0, 1, 0): output (x, y) samples input (x + factor·y, y). */
export function shearX(img: RgbImage, factor: number): RgbImage {
  return affineOp(img, factor, 'factor', (v) => [1, v, 0, 0, 1, 0]);
}

/** Vertical shear, AFFINE (1, 0, 0, factor, 1, 0): output (x, y) samples input (x, factor·x + y). */
export function shearY(img: RgbImage, factor: number): RgbImage {
  return affineOp(img, factor, 'factor', (v) => [1, 0, 0, v, 1, 0]);
}

/** Horizontal shift, AFFINE (1, 0, pixels, 0, 1, 0): content moves left by `pixels`. */
export function translateX(img: RgbImage, pixels: number): RgbImage {
  return affineOp(img, pixels, 'pixels', (v) => [1, 0, v, 0, 1, 0]);
}

/** Vertical shift, AFFINE (1, 0, 0, 0, 1, pixels): content moves up by `pixels`. */
export function translateY(img: RgbImage, pixels: number): RgbImage {
  return affineOp(img, pixels, 'pixels', (v) => [1, 0, 0, 0, 1, v]);
}
