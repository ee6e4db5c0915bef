import type { RgbImage } from '../types.js';
import { checkIntInRange, checkRgbImage } from './check-image.js';

// Pillow 9.4's Resample.c: separable resampling with coefficients computed in double, normalized,
// converted to 22-bit fixed point (PRECISION_BITS = 32 - 8 - 2) and accumulated in integers,
// horizontal pass first, then vertical.

const PRECISION_BITS = 22;
const ONE = 2 ** PRECISION_BITS;

interface ResampleFilter {
  support: number;
  weight(x: number): number;
}

/** Resample.c's box_filter: 1 on (-0.5, 0.5]. */
const BOX: ResampleFilter = { support: 0.5, weight: (x) => (x > -0.5 && x <= 0.5 ? 1 : 0) };

/** For each output index: the first input index and the fixed-point weights (precompute_coeffs). */
function coefficients(inSize: number, outSize: number, filter: ResampleFilter): { first: Int32Array; weights: Int32Array[] } {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filter.support * filterScale;
  const first = new Int32Array(outSize);
  const weights: Int32Array[] = [];
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    const w = new Float64Array(Math.max(0, xmax));
    let total = 0;
    for (let x = 0; x < xmax; x++) {
      w[x] = filter.weight((x + xmin - center + 0.5) / filterScale);
      total += w[x];
    }
    // normalize_coeffs_8bpc: divide by the sum, then round half away from zero to fixed point.
    const fixed = new Int32Array(w.length);
    for (let x = 0; x < w.length; x++) {
      const k = total !== 0 ? w[x] / total : w[x];
      fixed[x] = Math.trunc(k < 0 ? -0.5 + k * ONE : 0.5 + k * ONE);
    }
    first[xx] = xmin;
    weights.push(fixed);
  }
  return { first, weights };
}

/** Resample.c's clip8: drop the fraction (the accumulator starts at one half) and clamp. */
function clip8(ss: number): number {
  const v = Math.floor(ss / ONE);
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** One pass along an axis of an HWC RGB buffer: `along` says whether rows (x) or columns (y). */
function pass(src: Uint8Array, h: number, w: number, outLen: number, along: 'x' | 'y', filter: ResampleFilter): Uint8Array {
  const { first, weights } = coefficients(along === 'x' ? w : h, outLen, filter);
  const oh = along === 'x' ? h : outLen, ow = along === 'x' ? outLen : w;
  const step = along === 'x' ? 3 : w * 3;
  const out = new Uint8Array(oh * ow * 3);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      const o = along === 'x' ? x : y;
      const k = weights[o];
      const base = along === 'x' ? (y * w + first[o]) * 3 : (first[o] * w + x) * 3;
      for (let c = 0; c < 3; c++) {
        let ss = ONE / 2;
        for (let i = 0; i < k.length; i++) ss += src[base + i * step + c] * k[i];
        out[(y * ow + x) * 3 + c] = clip8(ss);
      }
    }
  }
  return out;
}

function resample(image: RgbImage, width: number, height: number, filter: ResampleFilter): RgbImage {
  checkRgbImage(image, 'image');
  checkIntInRange(width, 'width', 1, 1 << 20);
  checkIntInRange(height, 'height', 1, 1 << 20);
  let data = image.image;
  // Image.resize returns a copy when nothing changes; ImagingResampleInner skips a pass whose
  // size does not change.
  if (width !== image.width) data = pass(data, image.height, image.width, width, 'x', filter);
  if (height !== image.height) data = pass(data, image.height, width, height, 'y', filter);
  return { image: data === image.image ? data.slice() : data, height, width };
}

/**
 * PIL's `img.resize((width, height), Image.BOX)`, bit-exact (Pillow 9.4 Resample.c): each output
 * pixel averages the input pixels its footprint covers (partially covered ones by their
 * fraction), rounding after the horizontal and again after the vertical pass.
 */
export function resizeBox(image: RgbImage, width: number, height: number): RgbImage {
  return resample(image, width, height, BOX);
}
