import { affineBilinear, rotateQuarterTurns } from '../pil/affine.js';
import { checkFinite, checkRgbImage } from '../pil/check-image.js';
import type { RgbImage } from '../types.js';

/** Python's `round(x, 15)` (exact decimal rounding; toFixed differs only on exact ties). */
const round15 = (x: number): number => Number(x.toFixed(15));

/** Python's float `angle % 360.0` (result in [0, 360)). */
function pyMod360(angle: number): number {
  const r = angle % 360;
  return r < 0 ? r + 360 : r === 0 ? 0 : r;
}

/**
 * PIL's `img.rotate(degrees, resample=Image.BILINEAR)` (Pillow 9.4, as AugMix calls it): counter-
 * clockwise about the image centre, same size, black outside. 0 and 180 degrees (and 90/270 for
 * square images) are exact transposes, as in PIL; other angles use PIL's affine matrix (cos/sin
 * rounded to 15 decimals) with bilinear sampling.
 */
export function rotate(img: RgbImage, degrees: number): RgbImage {
  checkRgbImage(img, 'img');
  checkFinite(degrees, 'degrees');
  const angle = pyMod360(degrees);
  const { width: w, height: h } = img;
  if (angle === 0) return { image: img.image.slice(), height: h, width: w };
  if (angle === 180) return rotateQuarterTurns(img, 2);
  if ((angle === 90 || angle === 270) && w === h) return rotateQuarterTurns(img, angle === 90 ? 1 : 3);
  const rad = -angle * (Math.PI / 180);
  const [a, b, d, e] = [round15(Math.cos(rad)), round15(Math.sin(rad)), round15(-Math.sin(rad)), round15(Math.cos(rad))];
  const cx = w / 2, cy = h / 2;
  // The inverse map about the centre, built as Image.rotate does.
  const c = a * -cx + b * -cy + 0 + cx;
  const f = d * -cx + e * -cy + 0 + cy;
  return affineBilinear(img, [a, b, c, d, e, f], w, h);
}
