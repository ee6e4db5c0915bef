import type { RgbImage } from '../types.js';
import { checkFinite, checkRgbImage } from './check-image.js';
import { yccToRgb, rgbToYcc } from './jpeg-color.js';
import { forwardDctIslow, inverseDctIslow, quantizeBlock, reciprocalDivisors } from './jpeg-dct.js';
import { downsampleH2V2, padPlane, upsampleH2V2, type Plane } from './jpeg-sampling.js';
import { quantTables } from './jpeg-tables.js';

/**
 * Compresses and decompresses one plane (a whole number of 8×8 blocks): per block the islow
 * forward DCT, libjpeg-turbo's quantizer, dequantization and the islow inverse DCT. The entropy
 * coding in between is lossless, so it is skipped.
 */
function codePlane(plane: Plane, qt: Int32Array): Plane {
  const { width, height } = plane;
  const out = new Uint8Array(width * height);
  const divisors = reciprocalDivisors(qt);
  const block = new Float64Array(64);
  const coef = new Int32Array(64);
  const ws = new Float64Array(64);
  const ws2 = new Float64Array(64);
  for (let by = 0; by < height; by += 8) {
    for (let bx = 0; bx < width; bx += 8) {
      for (let r = 0; r < 8; r++) {
        for (let c = 0; c < 8; c++) block[r * 8 + c] = plane.data[(by + r) * width + bx + c] - 128;
      }
      forwardDctIslow(block);
      quantizeBlock(block, divisors, coef);
      inverseDctIslow(coef, qt, ws, ws2, out, by * width + bx, width);
    }
  }
  return { data: out, width, height };
}

const roundUp8 = (n: number): number => Math.ceil(n / 8) * 8;

/**
 * PIL's JPEG round trip: `img.save(buf, 'JPEG', quality=quality)` then `Image.open(buf)`, with
 * the defaults PIL gets from libjpeg-turbo — 4:2:0 chroma subsampling, the IJG tables scaled by
 * `quality` (force_baseline), islow DCTs, fixed-point YCbCr and fancy upsampling on decode.
 *
 * @param image - the RGB image to compress; not modified.
 * @param quality - JPEG quality as PIL takes it, an integer 0..100 (0 acts as 1, as in libjpeg; lower = stronger artifacts).
 * @returns the decoded image, same size.
 */
export function jpegRoundTrip(image: RgbImage, quality: number): RgbImage {
  checkRgbImage(image, 'image');
  checkFinite(quality, 'quality');
  if (!Number.isInteger(quality) || quality < 0 || quality > 100) {
    throw new RangeError(`quality must be an integer in [0, 100], got ${quality}`);
  }
  const { height, width } = image;
  const n = height * width;
  const { luma, chroma } = quantTables(quality);
  const [y, cb, cr] = rgbToYcc(image.image, n);

  const yCoded = codePlane(padPlane({ data: y, width, height }, roundUp8(width), roundUp8(height)), luma);
  const yOut = padPlane(yCoded, width, height).data;

  const cw = Math.ceil(width / 2), ch = Math.ceil(height / 2);
  const chromaOut = [cb, cr].map((plane) => {
    const small = downsampleH2V2({ data: plane, width, height }, roundUp8(cw), roundUp8(ch));
    return upsampleH2V2(codePlane(small, chroma), cw, ch, width, height);
  });
  return { image: yccToRgb(yOut, chromaOut[0], chromaOut[1], n), height, width };
}
